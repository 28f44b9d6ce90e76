//! The words an entity may use for its region and sector: the region and sector ids of the
//! stored `default` scenario (its latest version), the scenario the registry is seeded from
//! and cases are routed by.
//!
//! An empty region or sector means "none" and is always allowed. A named region must exist,
//! and the entity's side must be the region's side (a host-country entity cannot sit in a
//! home region). Unknown words are refused with the allowed ones and, for a likely typo, a
//! "did you mean".

use std::sync::{Arc, Mutex};

use crate::AppState;
use crate::error::{ApiError, FieldError};

/// The scenario whose regions and sectors entities may name.
pub const VOCABULARY_SCENARIO: &str = "default";

/// Region ids with their sides, and sector ids, in the scenario's order.
#[derive(Debug, Clone, PartialEq)]
pub struct Vocabulary {
    pub regions: Vec<(String, String)>,
    pub sectors: Vec<String>,
}

impl Vocabulary {
    /// The vocabulary of a parsed scenario.
    pub fn of(s: &symbiont_model::Scenario) -> Vocabulary {
        Vocabulary {
            regions: s.regions.iter().map(|r| (r.id.clone(), r.side.word().to_string())).collect(),
            sectors: s.sectors.iter().map(|x| x.id.clone()).collect(),
        }
    }

    /// The problems of an entity's region, sector and side, with paths under `prefix`.
    pub fn check(&self, region: &str, sector: &str, side: &str, prefix: &str) -> Vec<FieldError> {
        let p = |s: &str| if prefix.is_empty() { s.to_string() } else { format!("{prefix}.{s}") };
        let mut f = Vec::new();
        if !region.is_empty() {
            match self.regions.iter().find(|(id, _)| id == region) {
                None => f.push(FieldError {
                    path: p("region"),
                    message: unknown("region", region, self.regions.iter().map(|(id, _)| id)),
                }),
                Some((_, rs)) if matches!(side, "home" | "host") && rs != side => {
                    f.push(FieldError {
                        path: p("side"),
                        message: format!(
                            "the region \"{region}\" is on the {rs} side; expected side \"{rs}\""
                        ),
                    });
                }
                Some(_) => {}
            }
        }
        if !sector.is_empty() && !self.sectors.iter().any(|s| s == sector) {
            f.push(FieldError {
                path: p("sector"),
                message: unknown("sector", sector, self.sectors.iter()),
            });
        }
        f
    }
}

/// `unknown region "x" (did you mean `y`?); the regions of scenario "default" are a, b (or
/// empty for none)`.
fn unknown<'a>(
    what: &str,
    word: &str,
    allowed: impl Iterator<Item = &'a String> + Clone,
) -> String {
    let list = allowed.clone().map(String::as_str).collect::<Vec<_>>().join(", ");
    let hint = did_you_mean(word, allowed.map(String::as_str))
        .map(|h| format!(" ({h})"))
        .unwrap_or_default();
    format!(
        "unknown {what} \"{word}\"{hint}; the {what}s of scenario \"{VOCABULARY_SCENARIO}\" are \
         {list} (or empty for none)"
    )
}

/// "did you mean `c`?" for the closest candidate, when it is close enough to be a typo (at
/// most a third of the longer word's characters apart, at least 2); no hint for long words.
pub fn did_you_mean<'c>(
    word: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<String> {
    if word.chars().count() > 64 {
        return None;
    }
    let w = word.to_lowercase();
    let (d, c) = candidates
        .into_iter()
        .map(|c| (strsim::levenshtein(&w, &c.to_lowercase()), c))
        .min_by_key(|(d, _)| *d)?;
    let limit = (word.chars().count().max(c.chars().count()) / 3).max(2);
    (d <= limit).then(|| format!("did you mean `{c}`?"))
}

/// The vocabulary, parsed once per version of the scenario: scenario writes through the API
/// drop it ([`VocabularyCache::invalidate`]). As in [`crate::cache`], a generation keeps a
/// vocabulary loaded before a write from being stored after it.
#[derive(Debug, Default)]
pub struct VocabularyCache {
    inner: Mutex<(u64, Option<Arc<Vocabulary>>)>,
}

impl VocabularyCache {
    /// A scenario was written.
    pub fn invalidate(&self) {
        if let Ok(mut v) = self.inner.lock() {
            v.0 += 1;
            v.1 = None;
        }
    }
    fn get(&self) -> (u64, Option<Arc<Vocabulary>>) {
        self.inner.lock().map(|v| v.clone()).unwrap_or((u64::MAX, None))
    }
    fn put(&self, generation: u64, voc: Arc<Vocabulary>) {
        if let Ok(mut v) = self.inner.lock()
            && v.0 == generation
        {
            v.1 = Some(voc);
        }
    }
}

/// The current vocabulary; `None` when the scenario is not stored (then nothing is checked).
pub async fn vocabulary(st: &AppState) -> Result<Option<Arc<Vocabulary>>, ApiError> {
    let cache = &st.caches.vocabulary;
    let (generation, hit) = cache.get();
    if hit.is_some() {
        return Ok(hit);
    }
    let v = match st.store.scenario_version(VOCABULARY_SCENARIO, None).await {
        Ok(v) => v,
        Err(symbiont_store::StoreError::NotFound(_)) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let s = symbiont_model::parse_scenario(&v.source, VOCABULARY_SCENARIO)
        .map_err(|d| ApiError::internal(d.render(&v.source)))?;
    let voc = Arc::new(Vocabulary::of(&s));
    cache.put(generation, voc.clone());
    Ok(Some(voc))
}

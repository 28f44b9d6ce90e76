//! In-memory read caches of the registry and the cases, invalidated on every write.
//!
//! The server is the only writer of its database, so a read cache is exact if every write
//! through the API invalidates it. A cache holds values loaded from the store under a
//! *generation*; a write bumps the generation (after its transaction committed) and drops
//! every entry. A reader that loaded a value before the bump cannot store it afterwards (its
//! generation is old), so a stale value never outlives the write that changed it, and the
//! writer's next read sees its own write.
//!
//! Entries are capped ([`MAX_ENTRIES`]): the keys include query parameters a client chooses,
//! so a full cache is cleared rather than allowed to grow.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, RwLock};

use symbiont_store::{Case, CaseFilter, Entity, Page};

/// Most entries a cache holds before it is cleared.
pub const MAX_ENTRIES: usize = 4096;

/// One cache: values by key, valid for one generation.
#[derive(Debug)]
pub struct Cached<K, V> {
    inner: RwLock<Inner<K, V>>,
}

#[derive(Debug)]
struct Inner<K, V> {
    generation: u64,
    map: HashMap<K, Arc<V>>,
}

impl<K: Eq + Hash, V> Default for Cached<K, V> {
    fn default() -> Self {
        Cached { inner: RwLock::new(Inner { generation: 0, map: HashMap::new() }) }
    }
}

impl<K: Eq + Hash, V> Cached<K, V> {
    /// The current generation: read it before loading a value to [`Cached::put`].
    pub fn generation(&self) -> u64 {
        self.inner.read().map(|i| i.generation).unwrap_or(u64::MAX)
    }
    pub fn get(&self, k: &K) -> Option<Arc<V>> {
        self.inner.read().ok()?.map.get(k).cloned()
    }
    /// Store a value loaded at generation `generation`; dropped if a write came since.
    pub fn put(&self, k: K, v: Arc<V>, generation: u64) {
        if let Ok(mut i) = self.inner.write()
            && i.generation == generation
        {
            if i.map.len() >= MAX_ENTRIES {
                i.map.clear();
            }
            i.map.insert(k, v);
        }
    }
    /// A write happened: drop everything and start a new generation.
    pub fn invalidate(&self) {
        if let Ok(mut i) = self.inner.write() {
            i.generation += 1;
            i.map.clear();
        }
    }
}

/// Key of an entity list without a search term: (kind, side, limit, offset).
pub type EntityPageKey = (Option<String>, Option<String>, i64, i64);

/// Who lists cases: everyone, one entity's, or one department's.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scope {
    All,
    Entity(String),
    Department(String),
}

impl Scope {
    pub fn filter(&self) -> CaseFilter {
        match self {
            Scope::All => CaseFilter::All,
            Scope::Entity(e) => CaseFilter::Entity(e.clone()),
            Scope::Department(d) => CaseFilter::Department(d.clone()),
        }
    }
}

/// Key of a case list: (scope, state, limit, offset).
pub type CasePageKey = (Scope, Option<String>, i64, i64);

/// A case-list page as loaded, and as last sent: its JSON bytes, valid up to a time.
#[derive(Debug)]
pub struct CasePage {
    pub page: Page<Case>,
    pub body: axum::body::Bytes,
    /// The bytes are the page as seen at any `now ≤ fresh_until` (ms): the earliest due time
    /// of a task that waits and is not yet overdue, when its `overdue` flag flips.
    /// `i64::MAX` if none.
    pub fresh_until: i64,
}

impl CasePage {
    /// Serialise `page` as seen at `now` (see [`case_at`]).
    pub fn new(page: Page<Case>, now: i64) -> Result<CasePage, serde_json::Error> {
        let items: Vec<Case> = page.items.iter().map(|c| case_at(c, now)).collect();
        let fresh_until = items
            .iter()
            .flat_map(|c| &c.tasks)
            .filter(|t| waits(&t.state) && !t.overdue)
            .map(|t| t.due_at)
            .min()
            .unwrap_or(i64::MAX);
        let view = Page { items, total: page.total, limit: page.limit, offset: page.offset };
        Ok(CasePage { body: serde_json::to_vec(&view)?.into(), page, fresh_until })
    }
}

/// The server's read caches.
#[derive(Debug, Default)]
pub struct Caches {
    pub entity: Cached<String, Entity>,
    pub entity_pages: Cached<EntityPageKey, Page<Entity>>,
    pub case: Cached<i64, Case>,
    pub case_pages: Cached<CasePageKey, CasePage>,
    /// The regions and sectors entities may name ([`crate::vocab`]).
    pub vocabulary: crate::vocab::VocabularyCache,
}

impl Caches {
    /// The registry changed.
    pub fn registry_written(&self) {
        self.entity.invalidate();
        self.entity_pages.invalidate();
    }
    /// A case or one of its tasks changed.
    pub fn cases_written(&self) {
        self.case.invalidate();
        self.case_pages.invalidate();
    }
}

/// A cached case as seen at `now`: a task is overdue while it waits (pending or waiting for
/// information) past its due time, as the store computes it on load.
pub fn case_at(c: &Case, now: i64) -> Case {
    let mut c = c.clone();
    for t in &mut c.tasks {
        t.overdue = waits(&t.state) && now > t.due_at;
    }
    c
}

/// A task in this state waits for its department (and may become overdue).
fn waits(state: &str) -> bool {
    matches!(state, "pending" | "info_requested")
}

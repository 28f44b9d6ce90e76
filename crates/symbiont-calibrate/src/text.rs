//! Words for messages: "did you mean".

/// Levenshtein distance over characters (case-insensitive). Short names only, so the
/// quadratic table is nothing; `strsim` would be one more dependency for twelve lines.
fn edits(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diag = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let up = row[j + 1];
            row[j + 1] = (up + 1).min(row[j] + 1).min(diag + usize::from(ca != cb));
            diag = up;
        }
    }
    row[b.len()]
}

/// "did you mean `x`?" when a candidate is close enough to be a plausible typo.
pub(crate) fn did_you_mean<'c>(
    word: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<String> {
    let best = candidates.into_iter().map(|c| (edits(word, c), c)).min_by_key(|(d, _)| *d)?;
    let limit = (word.chars().count().max(best.1.chars().count()) / 3).max(2);
    (best.0 <= limit).then(|| format!("did you mean `{}`?", best.1))
}

/// `a, b, c` for a list of words (at most `max`, then "…").
pub(crate) fn list<'c>(words: impl IntoIterator<Item = &'c str>, max: usize) -> String {
    let v: Vec<&str> = words.into_iter().collect();
    let mut s = v.iter().take(max).copied().collect::<Vec<_>>().join(", ");
    if v.len() > max {
        s.push_str(&format!(", … ({} in all)", v.len()));
    }
    s
}

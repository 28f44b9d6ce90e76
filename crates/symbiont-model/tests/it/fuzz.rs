//! Random edits of a valid scenario never panic the parser: every outcome is `Ok` or a list of
//! located problems whose spans lie inside the text.

use proptest::prelude::*;
use symbiont_model::parse_scenario;

const SMALL: &str = include_str!("../../../../scenarios/small.toml");

/// One edit: delete a byte range, insert a token, or replace a range with a token.
#[derive(Debug, Clone)]
enum Edit {
    Delete(usize, usize),
    Insert(usize, String),
    Replace(usize, usize, String),
}

fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("=".to_string()),
        Just("\"".to_string()),
        Just("[[park]]\n".to_string()),
        Just("-1".to_string()),
        Just("1e400".to_string()),
        Just("nan".to_string()),
        Just("{".to_string()),
        Just("]".to_string()),
        Just("\n".to_string()),
        Just("id = \"north\"\n".to_string()),
        Just("é".to_string()),
        "[a-z_]{1,8}",
        any::<i64>().prop_map(|i| i.to_string()),
        any::<f64>().prop_map(|f| f.to_string()),
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    let n = SMALL.len();
    prop_oneof![
        (0..n, 0..40usize).prop_map(|(a, l)| Edit::Delete(a, l)),
        (0..n, token()).prop_map(|(a, t)| Edit::Insert(a, t)),
        (0..n, 0..20usize, token()).prop_map(|(a, l, t)| Edit::Replace(a, l, t)),
    ]
}

/// Apply an edit at char boundaries.
fn apply(text: &str, e: &Edit) -> String {
    let fix = |i: usize| {
        let mut i = i.min(text.len());
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    match e {
        Edit::Delete(a, l) => {
            let (a, b) = (fix(*a), fix(a + l));
            format!("{}{}", &text[..a], &text[b..])
        }
        Edit::Insert(a, t) => {
            let a = fix(*a);
            format!("{}{t}{}", &text[..a], &text[a..])
        }
        Edit::Replace(a, l, t) => {
            let (a, b) = (fix(*a), fix(a + l));
            format!("{}{t}{}", &text[..a], &text[b..])
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn random_edits_never_panic(edits in prop::collection::vec(edit(), 1..4)) {
        let mut text = SMALL.to_string();
        for e in &edits {
            text = apply(&text, e);
        }
        match parse_scenario(&text, "fuzz.toml") {
            Ok(_) => {}
            Err(d) => {
                prop_assert!(!d.items.is_empty());
                let lines = text.lines().count().max(1);
                for x in &d.items {
                    prop_assert!(x.span.start <= text.len() && x.span.end <= text.len() + 1);
                    prop_assert!(x.line >= 1 && x.line <= lines + 1, "line {} of {}", x.line, lines);
                    prop_assert!(x.column >= 1);
                    prop_assert!(!x.message.is_empty());
                    // Rendering never panics either.
                    let _ = x.render(&text);
                }
            }
        }
    }
}

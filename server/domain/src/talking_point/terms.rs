//! The terms a text talks about: words, two-word phrases and products of the catalogue. Pure functions, so
//! that counting at publish time, the rebuild and the tests agree.
//!
//! A word is a run of letters and digits of 3 to 30 characters with at least one letter, lower-cased; common
//! English function words never count (a fixed list, below); two words that stand next to each other with no
//! function word or punctuation between them make a phrase ("brake pads", "firmware update"). A product counts
//! as `product:<slug>` when its name appears in the text as words, or when a question is tagged with it. Each
//! term counts once per text, and a text counts at most [`MAX_TERMS`] terms (its first ones).

use std::collections::HashSet;

/// The most terms one text contributes.
pub const MAX_TERMS: usize = 80;

/// Function words that never make a theme (the editable list of ignored terms comes on top, at ranking).
const STOP_WORDS: &[&str] = &[
    "the",
    "and",
    "for",
    "are",
    "but",
    "not",
    "you",
    "all",
    "any",
    "can",
    "had",
    "her",
    "was",
    "one",
    "our",
    "out",
    "has",
    "have",
    "him",
    "his",
    "how",
    "its",
    "may",
    "now",
    "own",
    "she",
    "too",
    "use",
    "who",
    "why",
    "yes",
    "yet",
    "did",
    "does",
    "doing",
    "done",
    "from",
    "into",
    "with",
    "this",
    "that",
    "these",
    "those",
    "there",
    "their",
    "they",
    "them",
    "then",
    "than",
    "what",
    "when",
    "where",
    "which",
    "while",
    "will",
    "would",
    "could",
    "should",
    "about",
    "above",
    "after",
    "again",
    "against",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "down",
    "during",
    "each",
    "few",
    "further",
    "here",
    "hers",
    "herself",
    "himself",
    "itself",
    "just",
    "more",
    "most",
    "myself",
    "nor",
    "off",
    "once",
    "only",
    "other",
    "ours",
    "ourselves",
    "over",
    "same",
    "some",
    "such",
    "theirs",
    "themselves",
    "through",
    "under",
    "until",
    "very",
    "were",
    "your",
    "yours",
    "yourself",
    "yourselves",
    "also",
    "even",
    "ever",
    "every",
    "much",
    "many",
    "must",
    "shall",
    "since",
    "upon",
    "via",
    "whom",
    "whose",
    "within",
    "without",
    "anybody",
    "anyone",
    "anything",
    "something",
    "someone",
    "nothing",
    "everything",
    "everyone",
    "http",
    "https",
    "www",
    "com",
    "i'm",
    "don",
    "didn",
    "doesn",
    "isn",
    "wasn",
    "aren",
    "won",
    "can't",
    "let",
    "lets",
    "get",
    "got",
    "gets",
    "per",
];

fn is_stop(word: &str) -> bool {
    STOP_WORDS.contains(&word)
}

/// A product of the catalogue as the counter sees it: its slug and the words of its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductName {
    pub slug: String,
    pub words: Vec<String>,
}

impl ProductName {
    pub fn new(slug: &str, name: &str) -> ProductName {
        ProductName {
            slug: slug.to_owned(),
            words: raw_words(name).into_iter().map(|(w, _)| w).collect(),
        }
    }
}

/// Lower-cased runs of letters and digits, each with whether punctuation (other than a space) came before it.
fn raw_words(text: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut broken = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            word.extend(c.to_lowercase());
        } else {
            if !word.is_empty() {
                out.push((std::mem::take(&mut word), broken));
                broken = false;
            }
            if !c.is_whitespace() && c != '\'' && c != '’' && c != '-' {
                broken = true;
            }
        }
    }
    if !word.is_empty() {
        out.push((word, broken));
    }
    out
}

fn countable(word: &str) -> bool {
    let n = word.chars().count();
    (3..=30).contains(&n) && word.chars().any(char::is_alphabetic) && !is_stop(word)
}

/// The terms of `text`, in order of first appearance, each once: words, phrases, then `product:` terms of
/// the products named in it and those in `tagged` (slugs of the products a question is tagged with).
pub fn extract(text: &str, products: &[ProductName], tagged: &[String]) -> Vec<String> {
    let words = raw_words(text);
    let mut seen = HashSet::new();
    let mut terms = Vec::new();
    let mut push = |term: String, terms: &mut Vec<String>| {
        if terms.len() < MAX_TERMS && seen.insert(term.clone()) {
            terms.push(term);
        }
    };
    let mut previous: Option<&str> = None;
    for (word, broken) in &words {
        if countable(word) {
            push(word.clone(), &mut terms);
            if let Some(prev) = previous.filter(|_| !broken) {
                push(format!("{prev} {word}"), &mut terms);
            }
            previous = Some(word);
        } else {
            previous = None;
        }
    }
    let plain: Vec<&str> = words.iter().map(|(w, _)| w.as_str()).collect();
    for product in products {
        let n = product.words.len();
        let named = n > 0
            && plain
                .windows(n)
                .any(|w| w.iter().zip(&product.words).all(|(a, b)| a == b));
        if named || tagged.contains(&product.slug) {
            push(format!("product:{}", product.slug), &mut terms);
        }
    }
    for slug in tagged {
        push(format!("product:{slug}"), &mut terms);
    }
    terms
}

/// The mood of a VADER compound score: 1 positive, -1 negative, 0 neutral (VADER's own thresholds).
pub fn mood(sentiment: f32) -> i16 {
    if sentiment >= 0.05 {
        1
    } else if sentiment <= -0.05 {
        -1
    } else {
        0
    }
}

/// Whether a term is one a staff member may pin, hide or ignore: a word, a two-word phrase or a product key.
pub fn parse_key(raw: &str) -> Result<String, String> {
    let key = raw.trim().to_lowercase();
    let valid = if let Some(slug) = key.strip_prefix("product:") {
        !slug.is_empty() && slug.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    } else {
        let parts: Vec<&str> = key.split(' ').collect();
        (1..=2).contains(&parts.len())
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.chars().all(char::is_alphanumeric))
    };
    if valid && key.chars().count() <= 80 {
        Ok(key)
    } else {
        Err("must be a word, two words, or product:<slug>".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_phrases_without_function_words() {
        let terms = extract(
            "Anybody experience with the new brake pads? Brake pads squeal.",
            &[],
            &[],
        );
        assert!(terms.contains(&"brake".to_owned()));
        assert!(terms.contains(&"brake pads".to_owned()));
        assert!(terms.contains(&"squeal".to_owned()));
        assert!(terms.contains(&"pads squeal".to_owned()), "{terms:?}");
        assert!(
            !terms
                .iter()
                .any(|t| t == "the" || t == "with" || t.starts_with("with "))
        );
        assert_eq!(
            terms.iter().filter(|t| *t == "brake pads").count(),
            1,
            "once per text"
        );
        assert!(
            !terms.contains(&"pads brake".to_owned()),
            "punctuation ends a phrase: {terms:?}"
        );
    }

    #[test]
    fn short_numeric_and_long_tokens_do_not_count() {
        let terms = extract(&["ok 2024 a1 x"; 3].join(" "), &[], &[]);
        assert!(terms.is_empty(), "{terms:?}");
        let long = "a".repeat(31);
        assert!(extract(&long, &[], &[]).is_empty());
        assert_eq!(extract("Firmware 2.1", &[], &[]), vec!["firmware".to_owned()]);
    }

    #[test]
    fn products_by_name_or_tag() {
        let products = vec![
            ProductName::new("trail-x", "Trail X"),
            ProductName::new("city-e", "City E-Bike"),
        ];
        let terms = extract("My trail x creaks", &products, &[]);
        assert!(terms.contains(&"product:trail-x".to_owned()), "{terms:?}");
        assert!(!terms.contains(&"product:city-e".to_owned()));
        let tagged = extract("Something creaks", &products, &["city-e".to_owned()]);
        assert_eq!(
            tagged
                .iter()
                .filter(|t| t.starts_with("product:"))
                .collect::<Vec<_>>(),
            vec!["product:city-e"]
        );
    }

    #[test]
    fn at_most_max_terms() {
        let text: String = (0..500).map(|i| format!("word{i:03}x ")).collect();
        assert_eq!(extract(&text, &[], &[]).len(), MAX_TERMS);
    }

    #[test]
    fn moods_and_keys() {
        assert_eq!((mood(0.5), mood(0.0), mood(-0.3)), (1, 0, -1));
        assert_eq!(parse_key(" Brake Pads ").as_deref(), Ok("brake pads"));
        assert_eq!(parse_key("product:trail-x").as_deref(), Ok("product:trail-x"));
        for bad in ["", "three word phrase", "drop;table", "product:", "a  b"] {
            assert!(parse_key(bad).is_err(), "{bad:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn never_panics_and_terms_are_unique(text in "\\PC{0,400}") {
            let terms = extract(&text, &[ProductName::new("p", "Trail X")], &[]);
            let unique: HashSet<&String> = terms.iter().collect();
            proptest::prop_assert_eq!(unique.len(), terms.len());
            proptest::prop_assert!(terms.len() <= MAX_TERMS);
        }
    }
}

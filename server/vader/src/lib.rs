//! VADER sentiment analysis, a fork of the `vader_sentiment` crate (0.1.1, MIT) brought in line with the
//! reference implementation, `vaderSentiment` 3.3.2 on PyPI (C.J. Hutto, MIT).
//!
//! If you use the VADER sentiment analysis tools, please cite: Hutto, C.J. & Gilbert, E.E. (2014). VADER: A
//! Parsimonious Rule-based Model for Sentiment Analysis of Social Media Text. Eighth International Conference on
//! Weblogs and Social Media (ICWSM-14). Ann Arbor, MI, June 2014.
//!
//! Where the crate departed from the reference (each one changed a score that Hearth stores):
//! - "no" followed by a lexicon word is not itself negative, and a word one or two after "no" is negated
//!   ("no regrets" was −0.57, is +0.28);
//! - punctuation emphasis is added only to a text that already leans one way (a neutral question scored −0.05);
//! - a single "?" adds nothing (the reference counts question marks only from two on);
//! - a token is stripped of surrounding punctuation only when more than two characters remain (emoticons), and
//!   one-character tokens are kept (the crate dropped them, shifting every "two words before" rule);
//! - "least" negates unless preceded by "at" or "very" (the crate required a word to be both);
//! - the idiom and n-gram booster checks look at the same word windows as the reference, including "bus stop"
//!   and "beating heart";
//! - "ALL CAPS" follows Python's `str.isupper` (at least one cased letter, none lower case);
//! - the lexicon is the reference's 3.3.2 lexicon.
//!
//! The scores are checked against the reference's own output for several hundred sentences
//! (`tests/reference.rs`, fixture generated once with the Python package).

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

// Empirically derived constants for scaling/amplifying sentiments (the reference's values).
const B_INCR: f64 = 0.293;
const B_DECR: f64 = -0.293;
const C_INCR: f64 = 0.733;
const N_SCALAR: f64 = -0.74;
const NORMALIZATION_ALPHA: f64 = 15.0;

static RAW_LEXICON: &str = include_str!("../resources/vader_lexicon.txt");
static RAW_EMOJI_LEXICON: &str = include_str!("../resources/emoji_utf8_lexicon.txt");

static NEGATE: &[&str] = &[
    "aint",
    "arent",
    "cannot",
    "cant",
    "couldnt",
    "darent",
    "didnt",
    "doesnt",
    "ain't",
    "aren't",
    "can't",
    "couldn't",
    "daren't",
    "didn't",
    "doesn't",
    "dont",
    "hadnt",
    "hasnt",
    "havent",
    "isnt",
    "mightnt",
    "mustnt",
    "neither",
    "don't",
    "hadn't",
    "hasn't",
    "haven't",
    "isn't",
    "mightn't",
    "mustn't",
    "neednt",
    "needn't",
    "never",
    "none",
    "nope",
    "nor",
    "not",
    "nothing",
    "nowhere",
    "oughtnt",
    "shant",
    "shouldnt",
    "uhuh",
    "wasnt",
    "werent",
    "oughtn't",
    "shan't",
    "shouldn't",
    "uh-uh",
    "wasn't",
    "weren't",
    "without",
    "wont",
    "wouldnt",
    "won't",
    "wouldn't",
    "rarely",
    "seldom",
    "despite",
];

static BOOSTERS_UP: &[&str] = &[
    "absolutely",
    "amazingly",
    "awfully",
    "completely",
    "considerable",
    "considerably",
    "decidedly",
    "deeply",
    "effing",
    "enormous",
    "enormously",
    "entirely",
    "especially",
    "exceptional",
    "exceptionally",
    "extreme",
    "extremely",
    "fabulously",
    "flipping",
    "flippin",
    "frackin",
    "fracking",
    "fricking",
    "frickin",
    "frigging",
    "friggin",
    "fully",
    "fuckin",
    "fucking",
    "fuggin",
    "fugging",
    "greatly",
    "hella",
    "highly",
    "hugely",
    "incredible",
    "incredibly",
    "intensely",
    "major",
    "majorly",
    "more",
    "most",
    "particularly",
    "purely",
    "quite",
    "really",
    "remarkably",
    "so",
    "substantially",
    "thoroughly",
    "total",
    "totally",
    "tremendous",
    "tremendously",
    "uber",
    "unbelievably",
    "unusually",
    "utter",
    "utterly",
    "very",
];

static BOOSTERS_DOWN: &[&str] = &[
    "almost",
    "barely",
    "hardly",
    "just enough",
    "kind of",
    "kinda",
    "kindof",
    "kind-of",
    "less",
    "little",
    "marginal",
    "marginally",
    "occasional",
    "occasionally",
    "partly",
    "scarce",
    "scarcely",
    "slight",
    "slightly",
    "somewhat",
    "sort of",
    "sorta",
    "sortof",
    "sort-of",
];

static SPECIAL_CASES: &[(&str, f64)] = &[
    ("the shit", 3.0),
    ("the bomb", 3.0),
    ("bad ass", 1.5),
    ("badass", 1.5),
    ("bus stop", 0.0),
    ("yeah right", -2.0),
    ("kiss of death", -1.5),
    ("to die for", 3.0),
    ("beating heart", 3.5),
];

static NEGATIONS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| NEGATE.iter().copied().collect());

static BOOSTER_DICT: LazyLock<HashMap<&'static str, f64>> = LazyLock::new(|| {
    let up = BOOSTERS_UP.iter().map(|w| (*w, B_INCR));
    let down = BOOSTERS_DOWN.iter().map(|w| (*w, B_DECR));
    up.chain(down).collect()
});

static SPECIAL_CASE_IDIOMS: LazyLock<HashMap<&'static str, f64>> =
    LazyLock::new(|| SPECIAL_CASES.iter().copied().collect());

/// The word lexicon: word → mean valence (−4 … 4).
pub static LEXICON: LazyLock<HashMap<&'static str, f64>> = LazyLock::new(|| parse_raw_lexicon(RAW_LEXICON));

/// The emoji lexicon: emoji → its description in words.
pub static EMOJI_LEXICON: LazyLock<HashMap<&'static str, &'static str>> =
    LazyLock::new(|| parse_raw_emoji_lexicon(RAW_EMOJI_LEXICON));

/// Parses a lexicon file (`word<TAB>mean[<TAB>…]` per line).
pub fn parse_raw_lexicon(raw: &str) -> HashMap<&str, f64> {
    raw.trim_end_matches('\n')
        .split('\n')
        .filter(|line| !line.is_empty())
        .filter_map(|line| {
            let mut fields = line.trim().split('\t');
            let word = fields.next()?;
            let measure = fields.next()?.parse().ok()?;
            Some((word, measure))
        })
        .collect()
}

/// Parses the emoji lexicon (`emoji<TAB>description` per line).
pub fn parse_raw_emoji_lexicon(raw: &str) -> HashMap<&str, &str> {
    raw.trim_end_matches('\n')
        .split('\n')
        .filter_map(|line| {
            let mut fields = line.trim().split('\t');
            Some((fields.next()?, fields.next()?))
        })
        .collect()
}

/// Python's `str.isupper()`: at least one cased character and none in lower case.
fn is_upper(word: &str) -> bool {
    let mut cased = false;
    for c in word.chars() {
        if c.is_lowercase() {
            return false;
        }
        if c.is_uppercase() {
            cased = true;
        }
    }
    cased
}

/// True when some but not all words are ALL CAPS.
fn allcap_differential(words: &[&str]) -> bool {
    let caps = words.iter().filter(|w| is_upper(w)).count();
    let differential = words.len() - caps;
    0 < differential && differential < words.len()
}

fn negated(word_lower: &str) -> bool {
    NEGATIONS.contains(word_lower) || word_lower.contains("n't")
}

/// Normalises a score to −1 … 1; alpha approximates the largest expected value.
fn normalize(score: f64) -> f64 {
    (score / (score * score + NORMALIZATION_ALPHA).sqrt()).clamp(-1.0, 1.0)
}

/// How a preceding word increases or decreases the valence of a lexicon word.
fn scalar_inc_dec(word: &str, word_lower: &str, valence: f64, is_cap_diff: bool) -> f64 {
    let Some(&booster) = BOOSTER_DICT.get(word_lower) else {
        return 0.0;
    };
    let mut scalar = if valence < 0.0 { -booster } else { booster };
    if is_upper(word) && is_cap_diff {
        if valence > 0.0 {
            scalar += C_INCR;
        } else {
            scalar -= C_INCR;
        }
    }
    scalar
}

const PUNCTUATION: &str = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

/// Strips leading and trailing punctuation unless two or fewer characters would remain (an emoticon).
fn strip_punc_if_word(token: &str) -> &str {
    let stripped = token.trim_matches(|c| PUNCTUATION.contains(c));
    if stripped.chars().count() <= 2 {
        token
    } else {
        stripped
    }
}

/// The tokens of a text, as the reference splits them, with their lower-case forms.
struct SentiText<'t> {
    words: Vec<&'t str>,
    lower: Vec<String>,
    is_cap_diff: bool,
}

impl<'t> SentiText<'t> {
    fn new(text: &'t str) -> Self {
        let words: Vec<&str> = text.split_whitespace().map(strip_punc_if_word).collect();
        let lower = words.iter().map(|w| w.to_lowercase()).collect();
        let is_cap_diff = allcap_differential(&words);
        SentiText {
            words,
            lower,
            is_cap_diff,
        }
    }
}

/// The analyser; `polarity_scores` gives `neg`, `neu`, `pos` and `compound` like the reference.
pub struct SentimentIntensityAnalyzer<'a> {
    lexicon: &'a HashMap<&'a str, f64>,
    emoji_lexicon: &'a HashMap<&'a str, &'a str>,
}

impl Default for SentimentIntensityAnalyzer<'static> {
    fn default() -> Self {
        Self::new()
    }
}

impl SentimentIntensityAnalyzer<'static> {
    pub fn new() -> Self {
        SentimentIntensityAnalyzer {
            lexicon: &LEXICON,
            emoji_lexicon: &EMOJI_LEXICON,
        }
    }
}

/// The four scores of a text. `compound` is not rounded (the reference rounds it to 4 places).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scores {
    pub neg: f64,
    pub neu: f64,
    pub pos: f64,
    pub compound: f64,
}

impl<'a> SentimentIntensityAnalyzer<'a> {
    pub fn from_lexicon(lexicon: &'a HashMap<&'a str, f64>) -> Self {
        SentimentIntensityAnalyzer {
            lexicon,
            emoji_lexicon: &EMOJI_LEXICON,
        }
    }

    /// The scores as a map with the reference's keys (`neg`, `neu`, `pos`, `compound`), as the original crate.
    pub fn polarity_scores(&self, text: &str) -> HashMap<&'static str, f64> {
        let s = self.scores(text);
        HashMap::from([
            ("neg", s.neg),
            ("neu", s.neu),
            ("pos", s.pos),
            ("compound", s.compound),
        ])
    }

    /// The scores of a text.
    pub fn scores(&self, text: &str) -> Scores {
        let text = self.replace_emoji(text);
        let text = text.trim();
        let senti = SentiText::new(text);
        let mut sentiments = Vec::with_capacity(senti.words.len());
        for i in 0..senti.words.len() {
            let lower = senti.lower[i].as_str();
            if BOOSTER_DICT.contains_key(lower) {
                sentiments.push(0.0);
                continue;
            }
            if i + 1 < senti.words.len() && lower == "kind" && senti.lower[i + 1] == "of" {
                sentiments.push(0.0);
                continue;
            }
            sentiments.push(self.sentiment_valence(&senti, i));
        }
        but_check(&senti.lower, &mut sentiments);
        score_valence(&sentiments, text)
    }

    /// Replaces each emoji by its description, as the reference does (code point by code point).
    fn replace_emoji(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut prev_space = true;
        let mut buf = [0u8; 4];
        for c in text.chars() {
            if let Some(description) = self.emoji_lexicon.get(&*c.encode_utf8(&mut buf)) {
                if !prev_space {
                    out.push(' ');
                }
                out.push_str(description);
                prev_space = false;
            } else {
                out.push(c);
                prev_space = c == ' ';
            }
        }
        out
    }

    fn in_lexicon(&self, word_lower: &str) -> bool {
        self.lexicon.contains_key(word_lower)
    }

    fn sentiment_valence(&self, senti: &SentiText, i: usize) -> f64 {
        let words = &senti.words;
        let lower = &senti.lower;
        let item = lower[i].as_str();
        let Some(&base) = self.lexicon.get(item) else {
            return 0.0;
        };
        let mut valence = base;
        if item == "no" && i + 1 != words.len() && self.in_lexicon(&lower[i + 1]) {
            valence = 0.0;
        }
        if (i > 0 && lower[i - 1] == "no")
            || (i > 1 && lower[i - 2] == "no")
            || (i > 2 && lower[i - 3] == "no" && (lower[i - 1] == "or" || lower[i - 1] == "nor"))
        {
            valence = base * N_SCALAR;
        }
        if is_upper(words[i]) && senti.is_cap_diff {
            if valence > 0.0 {
                valence += C_INCR;
            } else {
                valence -= C_INCR;
            }
        }
        for start_i in 0..3 {
            if i > start_i && !self.in_lexicon(&lower[i - (start_i + 1)]) {
                let before = i - (start_i + 1);
                let mut s = scalar_inc_dec(words[before], &lower[before], valence, senti.is_cap_diff);
                if start_i == 1 && s != 0.0 {
                    s *= 0.95;
                }
                if start_i == 2 && s != 0.0 {
                    s *= 0.9;
                }
                valence += s;
                valence = negation_check(valence, lower, start_i, i);
                if start_i == 2 {
                    valence = special_idioms_check(valence, lower, i);
                }
            }
        }
        self.least_check(valence, lower, i)
    }

    fn least_check(&self, valence: f64, lower: &[String], i: usize) -> f64 {
        if i > 1 && !self.in_lexicon(&lower[i - 1]) && lower[i - 1] == "least" {
            if lower[i - 2] != "at" && lower[i - 2] != "very" {
                return valence * N_SCALAR;
            }
        } else if i > 0 && !self.in_lexicon(&lower[i - 1]) && lower[i - 1] == "least" {
            return valence * N_SCALAR;
        }
        valence
    }
}

fn negation_check(valence: f64, lower: &[String], start_i: usize, i: usize) -> f64 {
    let w = |back: usize| lower[i - back].as_str();
    match start_i {
        0 if negated(w(1)) => valence * N_SCALAR,
        1 => {
            if w(2) == "never" && (w(1) == "so" || w(1) == "this") {
                valence * 1.25
            } else if w(2) == "without" && w(1) == "doubt" {
                valence
            } else if negated(w(2)) {
                valence * N_SCALAR
            } else {
                valence
            }
        }
        2 => {
            // The reference's precedence, kept: (never and (so or this)) or (so or this).
            if (w(3) == "never" && (w(2) == "so" || w(2) == "this")) || (w(1) == "so" || w(1) == "this") {
                valence * 1.25
            } else if w(3) == "without" && (w(2) == "doubt" || w(1) == "doubt") {
                valence
            } else if negated(w(3)) {
                valence * N_SCALAR
            } else {
                valence
            }
        }
        _ => valence,
    }
}

fn special_idioms_check(mut valence: f64, lower: &[String], i: usize) -> f64 {
    let onezero = format!("{} {}", lower[i - 1], lower[i]);
    let twoonezero = format!("{} {} {}", lower[i - 2], lower[i - 1], lower[i]);
    let twoone = format!("{} {}", lower[i - 2], lower[i - 1]);
    let threetwoone = format!("{} {} {}", lower[i - 3], lower[i - 2], lower[i - 1]);
    let threetwo = format!("{} {}", lower[i - 3], lower[i - 2]);
    for seq in [&onezero, &twoonezero, &twoone, &threetwoone, &threetwo] {
        if let Some(&v) = SPECIAL_CASE_IDIOMS.get(seq.as_str()) {
            valence = v;
            break;
        }
    }
    if lower.len() - 1 > i {
        let zeroone = format!("{} {}", lower[i], lower[i + 1]);
        if let Some(&v) = SPECIAL_CASE_IDIOMS.get(zeroone.as_str()) {
            valence = v;
        }
    }
    if lower.len() - 1 > i + 1 {
        let zeroonetwo = format!("{} {} {}", lower[i], lower[i + 1], lower[i + 2]);
        if let Some(&v) = SPECIAL_CASE_IDIOMS.get(zeroonetwo.as_str()) {
            valence = v;
        }
    }
    for n_gram in [&threetwoone, &threetwo, &twoone] {
        if let Some(&b) = BOOSTER_DICT.get(n_gram.as_str()) {
            valence += b;
        }
    }
    valence
}

/// Words before the first "but" count half, words after it one and a half times.
///
/// This follows the reference literally: it walks the list and rewrites the *first* entry equal to the current
/// one (Python's `list.index`), which differs from a plain index walk when two words score the same.
fn but_check(lower: &[String], sentiments: &mut [f64]) {
    let Some(bi) = lower.iter().position(|w| w == "but") else {
        return;
    };
    for k in 0..sentiments.len() {
        let sentiment = sentiments[k];
        let si = sentiments.iter().position(|s| *s == sentiment).unwrap_or(k);
        if si < bi {
            sentiments[si] = sentiment * 0.5;
        } else if si > bi {
            sentiments[si] = sentiment * 1.5;
        }
    }
}

fn punctuation_emphasis(text: &str) -> f64 {
    let ep = text.matches('!').count().min(4) as f64 * 0.292;
    let qm_count = text.matches('?').count();
    let qm = match qm_count {
        0 | 1 => 0.0,
        2 | 3 => qm_count as f64 * 0.18,
        _ => 0.96,
    };
    ep + qm
}

fn score_valence(sentiments: &[f64], text: &str) -> Scores {
    if sentiments.is_empty() {
        return Scores {
            neg: 0.0,
            neu: 0.0,
            pos: 0.0,
            compound: 0.0,
        };
    }
    let punct = punctuation_emphasis(text);
    let mut sum: f64 = sentiments.iter().sum();
    if sum > 0.0 {
        sum += punct;
    } else if sum < 0.0 {
        sum -= punct;
    }
    let compound = normalize(sum);
    let (mut pos_sum, mut neg_sum, mut neu_count) = (0.0f64, 0.0f64, 0usize);
    for &s in sentiments {
        if s > 0.0 {
            pos_sum += s + 1.0;
        }
        if s < 0.0 {
            neg_sum += s - 1.0;
        }
        if s == 0.0 {
            neu_count += 1;
        }
    }
    if pos_sum > neg_sum.abs() {
        pos_sum += punct;
    } else if pos_sum < neg_sum.abs() {
        neg_sum -= punct;
    }
    let total = pos_sum + neg_sum.abs() + neu_count as f64;
    Scores {
        neg: (neg_sum / total).abs(),
        neu: (neu_count as f64 / total).abs(),
        pos: (pos_sum / total).abs(),
        compound,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compound(text: &str) -> f64 {
        SentimentIntensityAnalyzer::new().scores(text).compound
    }

    #[test]
    fn the_two_sentences_the_crate_got_wrong() {
        // Reference (vaderSentiment 3.3.2): 0.2755 and 0.0; the crate gave −0.57 and −0.05.
        assert!((compound("I run studded tyres from November to March, no regrets.") - 0.2755).abs() < 1e-4);
        assert_eq!(compound("Which tyres do you run in snow?"), 0.0);
    }

    #[test]
    fn empty_and_blank_texts_are_neutral() {
        assert_eq!(compound(""), 0.0);
        assert_eq!(compound("   \n "), 0.0);
        assert_eq!(compound("?!"), 0.0);
    }

    #[test]
    fn python_isupper() {
        assert!(is_upper("GREAT!"));
        assert!(is_upper("A1"));
        assert!(!is_upper("Great"));
        assert!(!is_upper(":-)"));
    }
}

//! Every sentence of the fixture scores as the reference implementation (vaderSentiment 3.3.2) scored it.
//! The fixture was written once by `tests/fixtures/generate.py` with the Python package; this test needs no Python.

use vader_sentiment::SentimentIntensityAnalyzer;

#[test]
fn scores_match_the_reference_implementation() {
    let raw = include_str!("fixtures/reference.json");
    let doc: serde_json::Value = serde_json::from_str(raw).expect("fixture is JSON");
    let sentences = doc["sentences"].as_array().expect("sentences");
    assert!(
        sentences.len() >= 300,
        "the fixture holds several hundred sentences"
    );
    let analyzer = SentimentIntensityAnalyzer::new();
    let mut wrong = Vec::new();
    for row in sentences {
        let text = row["text"].as_str().expect("text");
        let got = analyzer.scores(text);
        let want = |k: &str| row[k].as_f64().expect("score");
        // The reference rounds compound to 4 places and the others to 3.
        let close = (got.compound - want("compound")).abs() <= 0.000_051
            && (got.pos - want("pos")).abs() <= 0.000_51
            && (got.neu - want("neu")).abs() <= 0.000_51
            && (got.neg - want("neg")).abs() <= 0.000_51;
        if !close {
            wrong.push(format!(
                "{text:?}: got compound {:.4} pos {:.3} neu {:.3} neg {:.3}, reference {} {} {} {}",
                got.compound,
                got.pos,
                got.neu,
                got.neg,
                want("compound"),
                want("pos"),
                want("neu"),
                want("neg")
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} sentences differ:\n{}",
        wrong.len(),
        sentences.len(),
        wrong.join("\n")
    );
}

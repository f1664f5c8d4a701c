//! Tests of the featurizer over its blocks.

use super::cues::CueBlock;
use super::tfidf::TfidfBlock;
use super::*;
use crate::pipeline::cues::{CueGroup, N_CUES};
use crate::pipeline::vocab::{VocabBuilder, Vocabulary};

/// A featurizer with a TF-IDF block (by word ids when `ids`) and a cue block.
fn featurizer(
    settings: &FeatureSettings,
    vocab: Vocabulary,
    mean: Vec<f64>,
    multiplier: Vec<f64>,
    ids: bool,
) -> Featurizer {
    let tfidf = TfidfBlock::new(
        vocab,
        settings.ngram_min,
        settings.ngram_max,
        settings.sublinear_tf,
    );
    let tfidf = if ids { tfidf } else { tfidf.without_word_ids() };
    let blocks: Vec<Box<dyn FeatureBlock>> = vec![
        Box::new(tfidf),
        Box::new(CueBlock::new(settings, mean, multiplier)),
    ];
    Featurizer::new(settings.clone(), blocks)
}

#[test]
fn id_lookup_gives_the_string_lookup_features() {
    let settings = FeatureSettings::default();
    let a = Analyzer::new(settings.clone());
    let texts = [
        "\u{201C}We can talk to them,\u{201D} he said on Sept. 20, 2017!",
        "Unfortunately, there's none to be had. Is it? Yes it is, it is.",
        // words over 15 bytes (the word cache's string path), non-ASCII words
        "Counterrevolutionaries decried internationalization; Zürich café owners said the café's counterrevolutionaries left.",
        "Prices rose 3.5 percent; officials said the rise was temporary.",
    ];
    let mut b = VocabBuilder::new();
    let mut scratch = Scratch::default();
    for t in &texts[..3] {
        let mut grams = Vec::new();
        a.analyze(t, &mut scratch, None, |g| grams.push(g.to_string()));
        b.add_document(grams.iter().map(String::as_str));
    }
    let vocab = b.build(1, 0);
    let (zeros, ones) = (vec![0.0; N_CUES], vec![1.0; N_CUES]);
    let fast = featurizer(&settings, vocab.clone(), zeros.clone(), ones.clone(), true);
    assert!(fast.blocks()[0].word_ids().is_some());
    let slow = featurizer(&settings, vocab.clone(), zeros.clone(), ones.clone(), false);
    assert!(slow.blocks()[0].word_ids().is_none());
    // One scratch shared by both featurizers and the analyzer, as in training: the
    // word cache must not hand one featurizer's word ids to another.
    let other = featurizer(
        &settings,
        Vocabulary::new(vec!["zzz".into()], vec![1.0]),
        zeros,
        ones,
        true,
    );
    let mut shared = Scratch::default();
    for round in 0..2 {
        for t in texts {
            let (mut r1, mut r2, mut r3) = (Vec::new(), Vec::new(), Vec::new());
            fast.row_into(t, &mut shared, &mut r1);
            slow.row_into(t, &mut Scratch::default(), &mut r2);
            assert_eq!(r1, r2, "round {round}: {t}");
            other.row_into(t, &mut shared, &mut r3);
            a.analyze(t, &mut shared, None, |_| {});
            fast.row_into(t, &mut shared, &mut r1);
            assert_eq!(r1, r2, "round {round} after sharing: {t}");
        }
    }
    for min in [1, 2] {
        assert_eq!(
            WordIds::new(&vocab, min, 2).map(|l| l.unigrams_on()),
            Some(min == 1)
        );
    }
    assert!(WordIds::new(&vocab, 1, 3).is_none());
}

#[test]
fn row_has_sorted_terms_then_cues() {
    let s = FeatureSettings {
        cue_groups: vec![CueGroup::Punctuation],
        ..Default::default()
    };
    let vocab = Vocabulary::new(vec!["?".into(), "talk".into()], vec![1.0, 1.0]);
    let f = featurizer(&s, vocab, vec![0.5, 0.0], vec![2.0, 1.0], true);
    assert_eq!(f.n_features(), 4);
    assert_eq!(f.columns(0), 0..2);
    assert_eq!(f.columns(1), 2..4);
    let mut row = Vec::new();
    f.row_into("Talk talk?", &mut Scratch::default(), &mut row);
    assert_eq!(row.len(), 4);
    assert_eq!(row[0].0, 0);
    assert_eq!(row[1].0, 1);
    // question cue: (1 - 0.5) * 2; exclamation: (0 - 0) * 1
    assert_eq!(row[2], (2, 1.0));
    assert_eq!(row[3], (3, 0.0));
    assert_eq!(f.feature_name(2), "cue:punctuation.question");
    assert_eq!(f.feature_name(1), "talk");
    assert_eq!(f.feature_name(4), "");
}

#[test]
fn a_block_after_another_gets_offset_columns() {
    // Cues first, then TF-IDF: the TF-IDF columns start after the cues.
    let s = FeatureSettings {
        cue_groups: vec![CueGroup::Punctuation],
        ..Default::default()
    };
    let vocab = Vocabulary::new(vec!["?".into(), "talk".into()], vec![1.0, 1.0]);
    for ids in [true, false] {
        let tfidf = TfidfBlock::new(vocab.clone(), 1, 2, true);
        let tfidf = if ids { tfidf } else { tfidf.without_word_ids() };
        let blocks: Vec<Box<dyn FeatureBlock>> = vec![
            Box::new(CueBlock::new(&s, vec![0.0, 0.0], vec![1.0, 1.0])),
            Box::new(tfidf),
        ];
        let f = Featurizer::new(s.clone(), blocks);
        let mut row = Vec::new();
        f.row_into("Talk talk?", &mut Scratch::default(), &mut row);
        let cols: Vec<u32> = row.iter().map(|c| c.0).collect();
        assert_eq!(cols, [0, 1, 2, 3], "ids {ids}");
        assert_eq!(f.feature_name(3), "talk");
        assert_eq!(f.feature_name(0), "cue:punctuation.question");
    }
}

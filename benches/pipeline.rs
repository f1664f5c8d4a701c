//! Criterion benchmarks of factop's pipeline stages.
//!
//! Run with `cargo bench --bench pipeline` (about half a minute). Criterion is built
//! without default features, so there are no plots; results are printed and kept
//! under `target/criterion/`.
//!
//! - `segment/demo_article`: sentence segmentation of the demo article
//!   (throughput in bytes);
//! - `featurize/row_into`: TF-IDF + cue features of one sentence, reusing buffers;
//! - `classify/probability`: P(opinion) of one sentence (allocates fresh buffers, as
//!   the public one-shot API does);
//! - `classify/document`: segmentation + classification of the whole demo article
//!   (throughput in bytes).

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use factop::pipeline::analyzer::Scratch;
use factop::pipeline::segment::segment;
use factop::{Classifier, Language};

const ARTICLE_PATH: &str = "data/articles/tillerson-north-korea.txt";

/// A sentence of the demo article (reported speech, 28 words).
const SENTENCE: &str = "Secretary of State Rex Tillerson disclosed that the US government is in \
                        direct contact with North Korea in an effort to jump start talks on \
                        their nuclear program.";

fn article() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(ARTICLE_PATH);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn classifier() -> Classifier {
    Classifier::embedded().expect("the embedded model loads")
}

fn bench_segment(c: &mut Criterion) {
    let doc = article();
    let mut group = c.benchmark_group("segment");
    group.throughput(Throughput::Bytes(doc.len() as u64));
    group.bench_function("demo_article", |b| {
        b.iter(|| segment(black_box(&doc), Language::English))
    });
    group.finish();
}

fn bench_featurize(c: &mut Criterion) {
    let model = classifier();
    let featurizer = model.featurizer();
    let mut scratch = Scratch::default();
    let mut row = Vec::new();
    let mut group = c.benchmark_group("featurize");
    group.throughput(Throughput::Elements(1));
    group.bench_function("row_into", |b| {
        b.iter(|| {
            featurizer.row_into(black_box(SENTENCE), &mut scratch, &mut row);
            black_box(row.len())
        })
    });
    group.finish();
}

fn bench_classify(c: &mut Criterion) {
    let model = classifier();
    let doc = article();
    let mut group = c.benchmark_group("classify");
    group.throughput(Throughput::Elements(1));
    group.bench_function("probability", |b| {
        b.iter(|| model.probability(black_box(SENTENCE)))
    });
    group.throughput(Throughput::Bytes(doc.len() as u64));
    group.bench_function("document", |b| {
        b.iter(|| model.classify_document(black_box(&doc), None))
    });
    group.finish();
}

/// The accurate tier: one sentence through the e5-small encoder, and the demo article
/// with `en-e5`. Needs the encoder weights installed (`factop encoder install`); without
/// them these two benchmarks are left out, with a note.
fn bench_encoder(c: &mut Criterion) {
    let model = match Classifier::builtin("en-e5") {
        Ok(m) => m,
        Err(e) => {
            eprintln!("encoder benchmarks left out: {e}");
            return;
        }
    };
    let encoder = match factop::encoder::Encoder::installed(&factop::encoder::E5_SMALL, "bench") {
        Ok(e) => e,
        Err(e) => {
            eprintln!("encoder benchmarks left out: {e}");
            return;
        }
    };
    let doc = article();
    let mut group = c.benchmark_group("encoder");
    group.sample_size(10);
    group.throughput(Throughput::Elements(1));
    let mut buffers = factop::encoder::Buffers::default();
    let mut out = vec![0f32; encoder.dim()];
    group.bench_function("embed_sentence", |b| {
        b.iter(|| encoder.embed(black_box(SENTENCE), &mut buffers, &mut out))
    });
    // The demo article's sentences one by one against all of them in one batch
    // (several sentences per pass through the network).
    let sentences: Vec<String> = model
        .classify_document(&doc, None)
        .into_iter()
        .map(|s| s.text)
        .collect();
    let sentences: Vec<&str> = sentences.iter().map(String::as_str).collect();
    let mut all = vec![0f32; encoder.dim() * sentences.len()];
    group.throughput(Throughput::Elements(sentences.len() as u64));
    group.bench_function("article_sentences_one_by_one", |b| {
        b.iter(|| {
            for (s, o) in sentences.iter().zip(all.chunks_exact_mut(encoder.dim())) {
                encoder.embed(black_box(s), &mut buffers, o);
            }
        })
    });
    group.bench_function("article_sentences_batched", |b| {
        b.iter(|| encoder.embed_batch(black_box(&sentences), &mut buffers, &mut all))
    });
    group.throughput(Throughput::Bytes(doc.len() as u64));
    group.bench_function("en_e5_document", |b| {
        b.iter(|| model.classify_document(black_box(&doc), None))
    });
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = config();
    targets = bench_segment, bench_featurize, bench_classify, bench_encoder
}
criterion_main!(benches);

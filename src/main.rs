//! The `guichet` command line: parses arguments, calls the library, maps errors to exit codes.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

// Builds allocate many small strings on every core; mimalloc's thread-local heaps cut the
// allocator's share of a 10,000-page build (measured with `perf`, see README).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use guichet::build::{BuildError, BuildOptions};

/// Build a bilingual FAQ site and the answer index that reply bots query.
#[derive(Parser)]
#[command(name = "guichet", version, about)]
struct Cli {
    /// Knowledge base folder (the one with config.toml).
    #[arg(long, global = true, default_value = ".")]
    root: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Build the static site (and the answer index) from content/.
    Build {
        /// Where to write the site [default: ROOT/site].
        #[arg(long)]
        output_dir: Option<PathBuf>,
        /// Publish pages marked `draft = true` too.
        #[arg(long)]
        drafts: bool,
        /// Publish even if URLs or anchors of the previous build disappear.
        #[arg(long)]
        accept_removals: bool,
    },
    /// Check the knowledge base without writing anything: errors, dropped links, warnings.
    Check {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Where the site is built, to find its link manifest [default: ROOT/site].
        #[arg(long)]
        output_dir: Option<PathBuf>,
        /// Check the pages marked `draft = true` too.
        #[arg(long)]
        drafts: bool,
        /// Do not report URLs or anchors of the previous build that disappear.
        #[arg(long)]
        accept_removals: bool,
    },
    /// Preview the site on 127.0.0.1, rebuilding and reloading the browser on every change.
    Serve {
        /// Port to listen on (0: any free port; the address is printed).
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
        /// Show the pages marked `draft = true` too.
        #[arg(long)]
        drafts: bool,
    },
    /// Create a new knowledge base in DIR (which must be absent or empty).
    Init {
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Answer a post, or posts read from standard input (one per line, JSON lines out).
    Ask {
        /// Language of the posts (detected when absent).
        #[arg(long)]
        lang: Option<String>,
        /// Number of results per post.
        #[arg(long, default_value_t = guichet::answer::ask::DEFAULT_TOP)]
        top: usize,
        /// Print one JSON object for QUESTION.
        #[arg(long)]
        json: bool,
        /// Show how each post was read: its terms, the synonyms added, the question types, each
        /// result's coverage (to see why a page was chosen and which synonym would help).
        #[arg(long)]
        explain: bool,
        /// Answer index folder [default: ROOT/.guichet/index].
        #[arg(long)]
        index: Option<PathBuf>,
        question: Option<String>,
    },
    /// Serve the answer API to reply bots; picks up new builds of the index without restart.
    Api {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8787")]
        listen: std::net::SocketAddr,
        /// Index folder (default: <root>/.guichet/index/).
        #[arg(long)]
        index: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Logs go to stderr; `RUST_LOG=guichet=debug` shows the phases of a build.
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Build { output_dir, drafts, accept_removals } => {
            let opts = BuildOptions { root: cli.root, output_dir, drafts, accept_removals };
            match guichet::build::build(&opts) {
                Ok(report) => {
                    let warnings = report.warnings.warnings().count();
                    if warnings > 0 {
                        eprintln!("{warnings} warning(s): `guichet check` lists them");
                    }
                    eprintln!("{report}");
                    Ok(ExitCode::SUCCESS)
                }
                Err(BuildError::Invalid(diags)) => {
                    eprintln!("{diags}");
                    eprintln!("build failed: nothing was written, the previous site is unchanged");
                    Ok(ExitCode::FAILURE)
                }
                Err(BuildError::Io(e)) => Err(e),
            }
        }
        Command::Check { format, output_dir, drafts, accept_removals } => {
            let opts = BuildOptions { root: cli.root, output_dir, drafts, accept_removals };
            let diags = guichet::check::run(&opts);
            let text = match format {
                Format::Text if diags.is_empty() => "no problems found".to_string(),
                Format::Text => diags.to_string(),
                Format::Json => serde_json::to_string_pretty(&diags)?,
            };
            // A reader that stops early (`| head`) is not an error worth a panic.
            let mut out = std::io::stdout().lock();
            match writeln!(out, "{text}") {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => return Err(e.into()),
                _ => {}
            }
            Ok(if diags.has_errors() { ExitCode::FAILURE } else { ExitCode::SUCCESS })
        }
        Command::Serve { port, open, drafts } => {
            let opts = guichet::serve::preview::ServeOptions { root: cli.root, port, open, drafts };
            guichet::serve::preview::serve(opts)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Ask { lang, top, json, explain, index, question } => {
            let opts = guichet::answer::ask::AskOptions {
                root: cli.root,
                index,
                lang,
                top,
                json,
                explain,
                question,
            };
            guichet::answer::ask::run(&opts)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Init { dir } => {
            let written = guichet::init::init(&dir)?;
            for f in &written {
                eprintln!("  created {}", dir.join(f).display());
            }
            eprintln!(
                "New knowledge base in {}. Next: `guichet --root {} build`",
                dir.display(),
                dir.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Api { listen, index } => {
            guichet::serve::api::run(guichet::serve::api::ApiOptions { root: cli.root, index, listen })
                .map(|()| ExitCode::SUCCESS)
        }
    }
}

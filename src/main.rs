//! The `guichet` command line: parses arguments, calls the library, maps errors to exit codes.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

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
        /// Answer index folder [default: ROOT/.guichet/index].
        #[arg(long)]
        index: Option<PathBuf>,
        question: Option<String>,
    },
    /// Write only the answer index into ROOT/.guichet/index (until `build` writes it).
    #[command(hide = true)]
    Index,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Logs go to stderr; `RUST_LOG=guichet=debug` shows the phases of a build.
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
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
        Command::Build { output_dir, drafts } => {
            let opts = BuildOptions { root: cli.root, output_dir, drafts };
            match guichet::build::build(&opts) {
                Ok(report) => {
                    for w in report.warnings.warnings() {
                        eprintln!("{w}");
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
        Command::Ask { lang, top, json, index, question } => {
            let opts = guichet::answer::ask::AskOptions { root: cli.root, index, lang, top, json, question };
            guichet::answer::ask::run(&opts)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Index => {
            let site = guichet::content::load(&cli.root, &Default::default())?;
            let dir = guichet::answer::ask::default_index_dir(&cli.root);
            if dir.exists() {
                std::fs::remove_dir_all(&dir)?;
            }
            std::fs::create_dir_all(&dir)?;
            let stats = guichet::index::write_index(&site, &dir)?;
            eprintln!("answer index: {} questions, {} introductions", stats.entries, stats.intros);
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
    }
}

//! The `guichet` command line: parses arguments, calls the library, maps errors to exit codes.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use guichet::answer::ask::{self, AskOptions};
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
    /// Write the answer index only (the index part of `build`) into <root>/.guichet/index/.
    Index,
    /// Answer a question, or posts read from standard input (one per line).
    Ask {
        #[arg(long)]
        lang: Option<String>,
        #[arg(long, default_value_t = ask::DEFAULT_TOP)]
        top: usize,
        #[arg(long)]
        json: bool,
        /// Index folder (default: <root>/.guichet/index/).
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
        Command::Index => index(&cli.root).map(|()| ExitCode::SUCCESS),
        Command::Ask { lang, top, json, index, question } => {
            ask::run(&AskOptions { root: cli.root, index, lang, top, json, question })
                .map(|()| ExitCode::SUCCESS)
        }
        Command::Api { listen, index } => {
            guichet::serve::api::run(guichet::serve::api::ApiOptions { root: cli.root, index, listen })
                .map(|()| ExitCode::SUCCESS)
        }
    }
}

/// Writes the answer index into a staging folder, then publishes it atomically (until `build`
/// writes the index itself).
fn index(root: &std::path::Path) -> anyhow::Result<()> {
    let site = guichet::content::load(root, &Default::default())?;
    let dir = ask::default_index_dir(root);
    let parent = dir.parent().expect("the index folder has a parent");
    std::fs::create_dir_all(parent)?;
    let staging = tempfile::Builder::new().prefix(".index-staging-").tempdir_in(parent)?;
    let new = staging.path().join("index");
    std::fs::create_dir_all(&new)?;
    let stats = guichet::index::write_index(&site, &new)?;
    guichet::build::publish(&new, &dir, staging.path())?;
    eprintln!(
        "answer index: {} questions, {} introductions in {}",
        stats.entries,
        stats.intros,
        dir.display()
    );
    Ok(())
}

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
    }
}

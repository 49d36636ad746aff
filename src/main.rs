//! Minimal command line until the full CLI lands: `ask` and `index` only.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use guichet::answer::ask::{self, AskOptions};

#[derive(Parser)]
#[command(name = "guichet", version)]
struct Cli {
    /// Knowledge base root (holds config.toml).
    #[arg(long, global = true, default_value = ".")]
    root: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Index => index(&cli.root),
        Command::Ask {
            lang,
            top,
            json,
            index,
            question,
        } => ask::run(&AskOptions {
            root: cli.root,
            index,
            lang,
            top,
            json,
            question,
        }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn index(root: &std::path::Path) -> anyhow::Result<()> {
    let site = guichet::content::load(root, &Default::default())?;
    let dir = ask::default_index_dir(root);
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(&dir)?;
    let stats = guichet::index::write_index(&site, &dir)?;
    eprintln!(
        "answer index: {} questions, {} introductions in {}",
        stats.entries,
        stats.intros,
        dir.display()
    );
    Ok(())
}

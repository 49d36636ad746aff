//! `guichet serve`: the authors' live preview.
//!
//! The site is rendered into `.guichet/preview/` (never into the author's `site/`) with a
//! reload script in every page, served on 127.0.0.1, and rebuilt incrementally whenever a
//! watched file changes ([`workspace`]). Browsers reload through server-sent events; a failed
//! rebuild keeps the last good site served, with an overlay naming the file and line.

pub mod affected;
pub mod answers;
pub mod client;
pub mod http;
pub mod watch;
pub mod workspace;

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, RwLock};
use std::time::Instant;

use anyhow::Context as _;
use tokio::sync::broadcast;

use crate::build::state_dir_for;
use answers::Answers;
use http::{Reload, Shared, Status};
use workspace::{Change, Workspace};

/// How to run the preview.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Knowledge base root.
    pub root: PathBuf,
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// Open the site in the default browser once it is served.
    pub open: bool,
    /// Show draft pages.
    pub drafts: bool,
}

/// Builds, serves and watches until interrupted (Ctrl-C or SIGTERM). Prints the address on
/// standard output (`Serving ... at http://127.0.0.1:PORT/`), everything else on standard
/// error. Fails only when it cannot start (no knowledge base, port taken).
pub fn serve(opts: ServeOptions) -> anyhow::Result<()> {
    let root =
        opts.root.canonicalize().with_context(|| format!("no knowledge base at {}", opts.root.display()))?;
    let state = state_dir_for(&root.join("site"));
    let preview = state.join("preview");
    let runtime = tokio::runtime::Runtime::new()?;
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, opts.port))))
        .with_context(|| {
            format!(
                "cannot listen on 127.0.0.1:{}: pass `--port` with another number, or 0 for any",
                opts.port
            )
        })?;
    let addr = listener.local_addr()?;

    let mut workspace = Workspace::new(root.clone(), opts.drafts, preview.join("site"))
        .with_context(|| format!("cannot prepare {}", preview.display()))?;
    let (reload, _) = broadcast::channel(16);
    let (stop_tx, stopping) = tokio::sync::watch::channel(false);
    let shared = Arc::new(Shared {
        dir: RwLock::new(workspace.dir().to_path_buf()),
        status: RwLock::new(Status::default()),
        reload,
        stopping,
        answers: Answers::new(preview.join("index")),
    });
    // Opening the answerer again after an edit takes long on a large site: apart from the
    // rebuilds, and once for several edits in a row.
    let (refresh, refreshes) = channel::<()>();
    let refresh_shared = Arc::clone(&shared);
    std::thread::Builder::new().name("guichet-answers".into()).spawn(move || {
        while refreshes.recv().is_ok() {
            while refreshes.try_recv().is_ok() {}
            let refreshed = refresh_shared.answers.refresh();
            // Stopping removes the index under the reader's feet: nothing to report then.
            if let Err(e) = refreshed
                && !*refresh_shared.stopping.borrow()
            {
                eprintln!("warning: the answer index was not reopened: {e:#}");
            }
        }
    })?;
    apply(&mut workspace, Change::Full, &shared, &refresh);

    let (changes_tx, changes) = channel();
    let watcher = watch::Watcher::start(&root, changes_tx).context("cannot watch the knowledge base")?;
    let rebuild_shared = Arc::clone(&shared);
    std::thread::Builder::new()
        .name("guichet-rebuild".into())
        .spawn(move || rebuild_loop(workspace, watcher, changes, &rebuild_shared, &refresh))?;

    // Before the address is printed: whoever starts us may stop us right after reading it.
    let stop_signal = runtime.block_on(async { StopSignal::install() })?;
    let url = format!("http://{addr}/");
    println!("Serving {} at {url}", root.display());
    eprintln!("Watching content/, templates/, static/ and config.toml; Ctrl-C to stop");
    if opts.open {
        open_browser(&url);
    }
    let app = http::router(Arc::clone(&shared));
    runtime.block_on(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                stop_signal.wait().await;
                let _ = stop_tx.send(true);
            })
            .await
    })?;
    // The preview is ours: leave no rendered copy behind.
    let _ = std::fs::remove_dir_all(&preview);
    eprintln!("Stopped");
    Ok(())
}

/// Applies changes as they come; changes that arrive during a rebuild are merged into one.
fn rebuild_loop(
    mut workspace: Workspace,
    mut watcher: watch::Watcher,
    changes: Receiver<Change>,
    shared: &Shared,
    refresh: &Sender<()>,
) {
    while let Ok(first) = changes.recv() {
        let mut change = first;
        while let Ok(more) = changes.try_recv() {
            change = change.merge(more);
        }
        if change == Change::Full {
            watcher.watch_folders();
        }
        apply(&mut workspace, change, shared, refresh);
    }
}

/// One rebuild: updates what is served, tells the terminal and the browsers, then updates the
/// answer index and asks for the answerer to be opened again (`refresh`).
fn apply(workspace: &mut Workspace, change: Change, shared: &Shared, refresh: &Sender<()>) {
    let start = Instant::now();
    let had_errors = shared.status.read().map(|s| s.errors.has_errors()).unwrap_or(false);
    let first = workspace.site().is_none();
    let result = workspace.rebuild(change);
    if let Ok(mut dir) = shared.dir.write() {
        *dir = workspace.dir().to_path_buf();
    }
    let mut status = shared.status.write().unwrap_or_else(|e| e.into_inner());
    status.generation += 1;
    let mut event = Reload { generation: status.generation, ..Reload::default() };
    let mut index_work = None;
    match result {
        Ok(rebuilt) => {
            index_work = Some((rebuilt.full || first, rebuilt.sources.clone()));
            let site_path = |p: &PathBuf| format!("/{}", p.to_string_lossy().replace('\\', "/"));
            status.errors = Default::default();
            status.written = rebuilt.written.iter().map(site_path).collect();
            status.removed = rebuilt.removed.iter().map(site_path).collect();
            status.full = rebuilt.full;
            if let Some((path, anchor)) = rebuilt.focus {
                event.path = Some(path);
                event.anchor = anchor;
            }
            if had_errors {
                eprintln!("Fixed: the site builds again");
            }
            eprintln!(
                "Rebuilt in {} ms: {} file(s) written, {} removed{}",
                start.elapsed().as_millis(),
                rebuilt.written.len(),
                rebuilt.removed.len(),
                if rebuilt.full { " (everything)" } else { "" }
            );
        }
        Err(diags) => {
            eprintln!("{diags}");
            eprintln!("The preview still shows the last version that built; fix the file and save it.");
            status.errors = diags;
        }
    }
    drop(status);
    // No browser listening is fine.
    let _ = shared.reload.send(serde_json::to_string(&event).unwrap_or_default());
    // The pages first, then the answer index (only `/api/answer` needs it).
    let incremental = matches!(index_work, Some((false, _)));
    if let (Some((full, sources)), Some(site)) = (index_work, workspace.site()) {
        let index = if full { shared.answers.rebuild(site) } else { shared.answers.update(site, &sources) };
        if let Err(e) = index {
            eprintln!("warning: the answer index was not updated: {e:#}");
        }
        let _ = refresh.send(());
    }
    // Last, the listings of every page (search index, feeds, deadlines): slower than the
    // page, not what the author is looking at, and the answerer reopens meanwhile.
    if incremental {
        let start = Instant::now();
        match workspace.render_listings() {
            Ok(_) => tracing::debug!(elapsed = ?start.elapsed(), "listings rendered"),
            Err(diags) => {
                eprintln!("warning: the search index, feeds and deadlines were not updated:\n{diags}")
            }
        }
    }
}

/// Ctrl-C and, on Unix, SIGTERM, registered when installed.
struct StopSignal {
    #[cfg(unix)]
    signals: (tokio::signal::unix::Signal, tokio::signal::unix::Signal),
}

impl StopSignal {
    /// Must run inside the runtime.
    fn install() -> std::io::Result<StopSignal> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(StopSignal { signals: (signal(SignalKind::interrupt())?, signal(SignalKind::terminate())?) })
        }
        #[cfg(not(unix))]
        Ok(StopSignal {})
    }

    async fn wait(mut self) {
        #[cfg(unix)]
        tokio::select! {
            _ = self.signals.0.recv() => {},
            _ = self.signals.1.recv() => {},
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
    }
}

fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        std::process::Command::new("open").arg(url).spawn()
    } else if cfg!(windows) {
        std::process::Command::new("cmd").args(["/C", "start", "", url]).spawn()
    } else {
        std::process::Command::new("xdg-open").arg(url).spawn()
    };
    if let Err(e) = opener {
        eprintln!("warning: cannot open a browser ({e}); open {url} yourself");
    }
}

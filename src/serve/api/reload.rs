//! Picks up newly published indexes without a restart.
//!
//! `guichet build` publishes an index by renaming a complete new folder into place, so a new
//! index shows as a new directory (another inode) at the index path. The reloader watches the
//! parent folder (notify) and also polls, since rename events can be missed (the parent itself
//! replaced, queue overflow). A candidate is opened and validated in full on a blocking thread
//! before it is swapped in; one that fails to open is refused, logged and counted, and the
//! previous index keeps serving. The same folder is not retried until it changes again.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use notify::{RecursiveMode, Watcher};
use tokio::sync::Notify;

use super::engine::Engine;
use super::state::{Loaded, Shared};

/// Identity of the folder at the index path: replaced folders differ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    dev: u64,
    ino: u64,
    mtime_nanos: i128,
}

impl Fingerprint {
    fn of(dir: &Path) -> std::io::Result<Fingerprint> {
        use std::os::unix::fs::MetadataExt;
        let meta = std::fs::metadata(dir)?;
        Ok(Fingerprint {
            dev: meta.dev(),
            ino: meta.ino(),
            mtime_nanos: i128::from(meta.mtime()) * 1_000_000_000 + i128::from(meta.mtime_nsec()),
        })
    }
}

/// Waits after a file-system event before looking, so that the two renames of a publication
/// (old folder away, new folder in) are usually seen as one change.
const SETTLE: Duration = Duration::from_millis(20);

/// Keeps `shared.current` on the newest valid index at `index_dir`. Runs until aborted.
pub async fn run<E: Engine>(shared: Arc<Shared<E>>, index_dir: PathBuf, poll: Duration) {
    let wake = Arc::new(Notify::new());
    // Kept alive for as long as this task runs; dropped (unwatching) when it is aborted.
    let _watcher = watch_parent(&index_dir, wake.clone());
    let mut tried: Option<Fingerprint> = None;
    let mut missing_logged = false;
    let mut ticker = tokio::time::interval(poll);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        match Fingerprint::of(&index_dir) {
            Err(error) => {
                if !missing_logged {
                    tracing::warn!(
                        index = %index_dir.display(),
                        "no index to open yet ({error}); waiting for `guichet build` to publish one"
                    );
                    missing_logged = true;
                }
            }
            Ok(seen) if tried.as_ref() != Some(&seen) => {
                missing_logged = false;
                tried = Some(seen.clone());
                if !try_open(&shared, &index_dir, seen).await {
                    // The folder changed while it was being opened: look again at once.
                    tried = None;
                    continue;
                }
            }
            Ok(_) => {}
        }
        tokio::select! {
            _ = wake.notified() => tokio::time::sleep(SETTLE).await,
            _ = ticker.tick() => {}
        }
    }
}

/// Opens the folder last seen as `seen` and swaps it in if valid. Returns false when the folder
/// was replaced during the attempt (nothing swapped, nothing counted).
async fn try_open<E: Engine>(shared: &Shared<E>, index_dir: &Path, seen: Fingerprint) -> bool {
    let dir = index_dir.to_path_buf();
    let opened = tokio::task::spawn_blocking(move || E::open(&dir)).await;
    if Fingerprint::of(index_dir).ok().as_ref() != Some(&seen) {
        return false;
    }
    match opened {
        Ok(Ok(engine)) => {
            let version = engine.index_version().to_owned();
            shared.metrics.set_index_version(&version);
            shared.metrics.record_reload(true);
            let previous = shared.current.swap(Some(Arc::new(Loaded { engine, version: version.clone() })));
            match previous {
                Some(previous) => tracing::info!(
                    index = %index_dir.display(),
                    from = %previous.version,
                    to = %version,
                    "new index serving"
                ),
                None => tracing::info!(index = %index_dir.display(), %version, "index open, ready"),
            }
        }
        Ok(Err(error)) => {
            shared.metrics.record_reload(false);
            tracing::error!(
                index = %index_dir.display(),
                "refused the index at this path, {}: {error:#}",
                match shared.current.load().as_deref() {
                    Some(loaded) => format!("still serving version {}", loaded.version),
                    None => "nothing to serve yet".to_owned(),
                }
            );
        }
        Err(panicked) => {
            shared.metrics.record_reload(false);
            tracing::error!(index = %index_dir.display(), "opening the index panicked: {panicked}");
        }
    }
    true
}

/// Watches the folder holding the index folder, waking the reloader on any change in it.
/// Failing to watch is not fatal: polling still picks up new indexes.
fn watch_parent(index_dir: &Path, wake: Arc<Notify>) -> Option<notify::RecommendedWatcher> {
    let parent = index_dir.parent().filter(|p| !p.as_os_str().is_empty())?;
    let watched = (|| {
        let mut watcher = notify::recommended_watcher(move |_event| wake.notify_one())?;
        watcher.watch(parent, RecursiveMode::NonRecursive)?;
        Ok::<_, notify::Error>(watcher)
    })();
    match watched {
        Ok(watcher) => Some(watcher),
        Err(error) => {
            tracing::warn!(
                folder = %parent.display(),
                "cannot watch for new indexes ({error}); polling only"
            );
            None
        }
    }
}

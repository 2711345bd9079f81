//! Output files that never overwrite an input and never leave a partial result.
//!
//! Every command that writes a file goes through [`Output::create`]:
//! - the output must not be the same file as any input (compared by device and inode, or the
//!   platform's file identity, after following links — so a symbolic link or a hard link to an
//!   input is refused as well), and must not be a folder;
//! - the bytes go to a temporary file in the output's own folder (so the final rename stays on
//!   one file system), which [`Output::finish`] flushes, syncs and renames into place; when the
//!   run fails or the `Output` is dropped unfinished, the temporary file is removed and the old
//!   output (if any) is left as it was;
//! - every error names the path it concerns.
//!
//! `-` is standard output (written through, nothing to rename).

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// A file (or standard output) being written.
pub struct Output {
    inner: Inner,
}

enum Inner {
    Stdout(BufWriter<io::Stdout>),
    /// A device or pipe (`/dev/null`, a FIFO): written in place — it holds no file to lose, and a
    /// rename would replace the device node itself.
    Special(BufWriter<std::fs::File>, String),
    File {
        writer: BufWriter<tempfile::NamedTempFile>,
        /// Where the file lands on `finish`.
        target: PathBuf,
        /// The path as the user gave it (for messages).
        shown: String,
        /// Bytes handed to the file since it was last synced (see [`SYNC_EVERY`]).
        unsynced: u64,
    },
}

/// A file output is synced to its disk every this many bytes while it is written, so that the
/// disk writes the bytes while the run computes the next ones instead of all of them in the
/// sync at [`Output::finish`] (seconds for a month of results: batch writes ~4.7 KB a claim).
pub const SYNC_EVERY: u64 = 64 << 20;

/// Refuses `output` when it is the same file as any of `inputs` (after following links).
/// Inputs that do not exist (or `-`) are skipped.
pub fn check_not_input(output: &str, inputs: &[&str]) -> Result<(), String> {
    if output == "-" {
        return Ok(());
    }
    let out = Path::new(output);
    if !out.exists() {
        return Ok(());
    }
    for input in inputs.iter().filter(|i| **i != "-") {
        if same_file::is_same_file(out, Path::new(input)).unwrap_or(false) {
            return Err(format!(
                "{output}: the output is the input file {input} (the same file, perhaps through a link): refusing to overwrite it"
            ));
        }
    }
    Ok(())
}

impl Output {
    /// Opens `path` for writing (`-` = standard output) after checking it is none of `inputs`.
    pub fn create(path: &str, inputs: &[&str]) -> Result<Output, String> {
        if path == "-" {
            return Ok(Output {
                inner: Inner::Stdout(BufWriter::with_capacity(1 << 16, io::stdout())),
            });
        }
        check_not_input(path, inputs)?;
        let given = Path::new(path);
        if given.is_dir() {
            return Err(format!("{path}: is a folder, not a file"));
        }
        if std::fs::metadata(given).is_ok_and(|m| !m.is_file()) {
            let f = std::fs::OpenOptions::new()
                .write(true)
                .open(given)
                .map_err(|e| format!("{path}: {e}"))?;
            return Ok(Output {
                inner: Inner::Special(BufWriter::with_capacity(1 << 16, f), path.to_string()),
            });
        }
        // Write through a link to its target, so the rename replaces the file, not the link.
        let target = if given.exists() {
            std::fs::canonicalize(given).map_err(|e| format!("{path}: {e}"))?
        } else {
            given.to_path_buf()
        };
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let prefix = format!(".{name}.");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".part");
        // A new output gets the usual 0666 & !umask, not the temporary file's 0600.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(0o666));
        }
        let tmp = builder
            .tempfile_in(&dir)
            .map_err(|e| format!("{path}: cannot create a temporary file in {}: {e}", dir.display()))?;
        Ok(Output {
            inner: Inner::File {
                writer: BufWriter::with_capacity(1 << 16, tmp),
                target,
                shown: path.to_string(),
                unsynced: 0,
            },
        })
    }

    /// Flushes, syncs and renames the temporary file into place. Until this returns `Ok`, the
    /// output path holds whatever it held before the run.
    pub fn finish(self) -> Result<(), String> {
        match self.inner {
            Inner::Stdout(mut w) => w.flush().map_err(|e| format!("standard output: {e}")),
            Inner::Special(mut w, shown) => w.flush().map_err(|e| format!("{shown}: {e}")),
            Inner::File {
                writer, target, shown, ..
            } => {
                let tmp = writer.into_inner().map_err(|e| format!("{shown}: {}", e.error()))?;
                tmp.as_file().sync_all().map_err(|e| format!("{shown}: {e}"))?;
                // Keep the permissions an existing output had (a new one got 0666 & !umask).
                if let Ok(meta) = std::fs::metadata(&target) {
                    let _ = std::fs::set_permissions(tmp.path(), meta.permissions());
                }
                tmp.persist(&target).map_err(|e| format!("{shown}: {}", e.error))?;
                Ok(())
            }
        }
    }

    /// The path as given (for messages); `-` for standard output.
    pub fn shown(&self) -> &str {
        match &self.inner {
            Inner::Stdout(_) => "-",
            Inner::Special(_, shown) | Inner::File { shown, .. } => shown,
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.inner {
            Inner::Stdout(w) => w.write(buf),
            Inner::Special(w, _) => w.write(buf),
            Inner::File { writer, unsynced, .. } => {
                let k = writer.write(buf)?;
                *unsynced += k as u64;
                Ok(k)
            }
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match &mut self.inner {
            Inner::Stdout(w) => w.write_all(buf),
            Inner::Special(w, _) => w.write_all(buf),
            Inner::File { writer, unsynced, .. } => {
                writer.write_all(buf)?;
                *unsynced += buf.len() as u64;
                if *unsynced >= SYNC_EVERY {
                    *unsynced = 0;
                    // What the buffer holds goes with the next sync (or finish).
                    writer.get_ref().as_file().sync_data()?;
                }
                Ok(())
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.inner {
            Inner::Stdout(w) => w.flush(),
            Inner::Special(w, _) => w.flush(),
            Inner::File { writer, .. } => writer.flush(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_the_input_itself_a_symlink_and_a_hard_link() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.jsonl");
        std::fs::write(&input, b"{}\n").unwrap();
        let sym = dir.path().join("sym.jsonl");
        let hard = dir.path().join("hard.jsonl");
        #[cfg(unix)]
        std::os::unix::fs::symlink(&input, &sym).unwrap();
        std::fs::hard_link(&input, &hard).unwrap();
        let i = input.to_str().unwrap();
        for out in [&input, &sym, &hard] {
            let o = out.to_str().unwrap();
            let err = Output::create(o, &[i]).err().expect("refused");
            assert!(err.contains("refusing to overwrite"), "{err}");
        }
        assert_eq!(std::fs::read(&input).unwrap(), b"{}\n");
    }

    #[test]
    fn unfinished_output_leaves_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.jsonl");
        std::fs::write(&out, b"old").unwrap();
        {
            let mut o = Output::create(out.to_str().unwrap(), &[]).unwrap();
            o.write_all(b"new, but the run failed").unwrap();
            // dropped without finish()
        }
        assert_eq!(std::fs::read(&out).unwrap(), b"old");
        // no temporary file is left behind
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
        let mut o = Output::create(out.to_str().unwrap(), &[]).unwrap();
        o.write_all(b"new").unwrap();
        o.finish().unwrap();
        assert_eq!(std::fs::read(&out).unwrap(), b"new");
    }

    #[test]
    fn writes_through_a_link_to_its_target() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target.txt");
        std::fs::write(&target, b"old").unwrap();
        #[cfg(unix)]
        {
            let link = dir.path().join("link.txt");
            std::os::unix::fs::symlink(&target, &link).unwrap();
            let mut o = Output::create(link.to_str().unwrap(), &[]).unwrap();
            o.write_all(b"new").unwrap();
            o.finish().unwrap();
            assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
            assert_eq!(std::fs::read(&target).unwrap(), b"new");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_device_is_written_in_place_never_replaced() {
        let before = std::fs::metadata("/dev/null").unwrap();
        let mut o = Output::create("/dev/null", &[]).unwrap();
        o.write_all(b"discarded").unwrap();
        o.finish().unwrap();
        let after = std::fs::metadata("/dev/null").unwrap();
        assert!(!after.is_file(), "/dev/null is still a device");
        use std::os::unix::fs::MetadataExt;
        assert_eq!(before.ino(), after.ino());
    }

    #[test]
    fn a_folder_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let err = Output::create(dir.path().to_str().unwrap(), &[]).err().unwrap();
        assert!(err.contains("folder"), "{err}");
    }

    #[test]
    fn an_output_that_cannot_be_created_names_its_path() {
        let err = Output::create("/nonexistent-santei-dir/out.jsonl", &[]).err().unwrap();
        assert!(err.contains("/nonexistent-santei-dir/out.jsonl"), "{err}");
    }
}

//! `cargo xtask pagination [DIR|DOC] [--settings=FILE]`: which operations of each document page, and who
//! declared how (the document's own extension, or a rule of FILE, default `tests/pagination/clientgen.toml`,
//! the rules a user of those APIs would write), and how many operations look paged but nothing declares.

use std::fs;
use std::path::{Path, PathBuf};

use clientgen_cli::settings::Settings;

/// The default rules file, relative to the repository root.
pub const SETTINGS: &str = "tests/pagination/clientgen.toml";

/// One document's pagination.
#[derive(Debug)]
pub struct Row {
    /// The document, as the corpus names it.
    pub document: String,
    /// What the generator found.
    pub probe: clientgen::PagingProbe,
}

impl Row {
    /// Paged operations declared by the document itself (an extension).
    pub fn declared(&self) -> usize {
        self.probe.paged.iter().filter(|(_, source, _)| source.starts_with("x-")).count()
    }

    /// Paged operations a rule of the settings covers.
    pub fn ruled(&self) -> usize {
        self.probe.paged.len() - self.declared()
    }
}

/// The stem a document's settings are keyed by.
fn stem(path: &Path) -> String {
    path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
}

/// The pagination of each of `documents` (name and file) with the rules of `settings` (keyed by the
/// documents' stems; every document of the default corpus may have a table).
pub fn run(root: &Path, documents: &[(String, PathBuf)], settings: &Path) -> Result<Vec<Row>, String> {
    let text = fs::read_to_string(settings).map_err(|err| format!("{}: {err}", settings.display()))?;
    let mut stems: Vec<String> = crate::corpus::documents(&root.join("..").join("shared").join("corpus"))
        .iter()
        .chain(documents.iter().map(|(_, path)| path))
        .map(|path| stem(path))
        .collect();
    stems.sort();
    stems.dedup();
    let shown = settings.strip_prefix(root).unwrap_or(settings).display().to_string();
    let settings = Settings::parse(&shown, &text, &stems).map_err(|err| err.to_string())?;
    documents
        .iter()
        .map(|(name, path)| {
            let text = fs::read_to_string(path).map_err(|err| format!("{}: {err}", path.display()))?;
            let mut options = settings.options(Path::new(name), &stem(path), "{ path = \"unused\" }");
            options.lenient = true;
            let probe = clientgen::paging_probe(Path::new(name), &text, &options)
                .map_err(|err| settings.explain(&stem(path), &err))?;
            Ok(Row { document: name.clone(), probe })
        })
        .collect()
}

/// The table: per document its operations, the paged ones (declared by the document, covered by a rule)
/// and those that look paged but nothing declares; with `verbose`, the report lines too.
pub fn table(rows: &[Row], verbose: bool) -> String {
    let mut out =
        format!("{:<58} {:>6} {:>6} {:>9} {:>6} {:>9}\n", "document", "ops", "paged", "declared", "ruled", "reported");
    for row in rows {
        out.push_str(&format!(
            "{:<58} {:>6} {:>6} {:>9} {:>6} {:>9}\n",
            row.document,
            row.probe.operations,
            row.probe.paged.len(),
            row.declared(),
            row.ruled(),
            row.probe.report.len()
        ));
        if verbose {
            for line in &row.probe.report {
                out.push_str(&format!("    {line}\n"));
            }
        }
    }
    let sum = |f: &dyn Fn(&Row) -> usize| rows.iter().map(f).sum::<usize>();
    out.push_str(&format!(
        "{:<58} {:>6} {:>6} {:>9} {:>6} {:>9}\n",
        "total",
        sum(&|r| r.probe.operations),
        sum(&|r| r.probe.paged.len()),
        sum(&Row::declared),
        sum(&Row::ruled),
        sum(&|r| r.probe.report.len())
    ));
    out
}

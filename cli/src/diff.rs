//! How `check` shows a stale file: a unified diff from what is on disk to what `gen` would write,
//! a few lines of context around each change, cut short after a screenful.

use similar::TextDiff;

/// Lines of context around each change.
const CONTEXT: usize = 3;

/// The most lines of diff shown for one file.
pub const MAX_LINES: usize = 40;

/// The unified diff of `old` (on disk, shown as `a/<name>`) to `new` (shown as `b/<name>`), at most
/// [`MAX_LINES`] lines, then a line saying how many more there are.
pub fn unified(name: &str, old: &str, new: &str) -> String {
    let diff = TextDiff::from_lines(old, new);
    let text =
        diff.unified_diff().context_radius(CONTEXT).header(&format!("a/{name}"), &format!("b/{name}")).to_string();
    let lines: Vec<&str> = text.lines().collect();
    let mut out: String = lines.iter().take(MAX_LINES).map(|line| format!("{line}\n")).collect();
    if lines.len() > MAX_LINES {
        out.push_str(&format!("… {} more line(s) of diff\n", lines.len() - MAX_LINES));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_shows_with_its_context_and_names() {
        let old = "a\nb\nc\nd\ne\nf\ng\nh\n";
        let new = "a\nb\nc\nd\nE\nf\ng\nh\n";
        assert_eq!(
            unified("x.rs", old, new),
            "--- a/x.rs\n+++ b/x.rs\n@@ -2,7 +2,7 @@\n b\n c\n d\n-e\n+E\n f\n g\n h\n"
        );
    }

    #[test]
    fn a_long_diff_is_cut_and_says_how_much_is_left() {
        let old: String = (0..100).map(|i| format!("{i}\n")).collect();
        let new: String = (0..100).map(|i| format!("{}\n", i + 1000)).collect();
        let shown = unified("x.rs", &old, &new);
        assert_eq!(shown.lines().count(), MAX_LINES + 1);
        // 2 header lines, 1 hunk header, 100 removed, 100 added.
        assert!(shown.ends_with(&format!("… {} more line(s) of diff\n", 203 - MAX_LINES)), "{shown}");
    }
}

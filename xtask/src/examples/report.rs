//! What `cargo xtask examples` prints: the table (document, examples, passed, spec's fault, ours, pass rate,
//! seconds), then the spec's faults by name, our failures by cause, and the examples without a value. The
//! last line is not `N passed, M failed`: CI reads such a line as a test runner's verdict.

use std::fmt::Write as _;

use super::{Failure, Report};

/// The table, the lists, and the totals last.
pub fn table(report: &Report) -> String {
    let mut out = format!(
        "{:<44} {:>8} {:>7} {:>6} {:>6} {:>6} {:>7} {:>7} {:>6}  result\n",
        "document", "examples", "skipped", "passed", "spec", "ours", "pass %", "valid %", "s"
    );
    let (mut examples, mut passed, mut spec, mut ours) = (0, 0, 0, 0);
    for row in &report.rows {
        let result = match &row.result {
            Ok(()) => "ok".to_owned(),
            Err(err) => err.chars().take(160).collect(),
        };
        let _ = writeln!(
            out,
            "{:<44} {:>8} {:>7} {:>6} {:>6} {:>6} {:>7} {:>7} {:>6.1}  {}",
            row.document,
            row.examples,
            row.skipped,
            row.passed,
            row.spec_fault,
            row.ours,
            percent(row.passed, row.examples),
            percent(row.passed, row.examples - row.spec_fault),
            row.seconds,
            result
        );
        examples += row.examples;
        passed += row.passed;
        spec += row.spec_fault;
        ours += row.ours;
    }
    let _ = writeln!(
        out,
        "{:<44} {:>8} {:>7} {:>6} {:>6} {:>6} {:>7} {:>7} {:>6.1}  (+ {:.1} s building the shared dependencies)",
        "total",
        examples,
        report.skipped.len(),
        passed,
        spec,
        ours,
        percent(passed, examples),
        percent(passed, examples - spec),
        report.rows.iter().map(|r| r.seconds).sum::<f64>(),
        report.warm_up_seconds
    );
    out.push_str("(pass % of all examples; valid % of those valid against their own schema)\n");

    let spec_faults: Vec<&Failure> = report.failures.iter().filter(|f| !f.is_ours()).collect();
    let _ = writeln!(out, "\nThe spec's fault: {} example(s) break their own schema", spec_faults.len());
    for failure in spec_faults {
        let error = failure.verdict.error.as_deref().unwrap_or("");
        let _ = writeln!(out, "  {}: {error}\n      ({})", failure.key, failure.cause());
    }
    let by_cause = super::ours_by_cause(report);
    let _ = writeln!(out, "\nOurs: {ours} valid example(s) fail, by cause");
    for (cause, failures) in &by_cause {
        let _ = writeln!(out, "  {cause} ({}):", failures.len());
        for failure in failures {
            let format =
                failure.verdict.format.as_deref().map(|f| format!(" [breaks a format {f}]")).unwrap_or_default();
            let _ = writeln!(out, "    {}  # {}{format}", failure.key, failure.cause());
        }
    }
    if !report.skipped.is_empty() {
        let _ = writeln!(out, "\nSkipped: {} example(s) without a value", report.skipped.len());
        for (key, why) in &report.skipped {
            let _ = writeln!(out, "  {key}: {why}");
        }
    }
    let _ =
        writeln!(out, "\nexamples: {passed} of {examples} decode and round-trip; {spec} the spec's fault, {ours} ours");
    out
}

fn percent(part: usize, whole: usize) -> String {
    if whole == 0 { "-".to_owned() } else { format!("{:.1}", 100.0 * part as f64 / whole as f64) }
}

/// A failure's cause, grouped: what went wrong, without the names and values of the one case.
pub fn cause_group(failure: &Failure) -> String {
    let message = failure.outcome.message.as_str();
    let group = match failure.outcome.kind.as_str() {
        "decode" if message.contains("did not match any variant") => "decode: no union variant matches",
        "decode" if message.starts_with("invalid type") && message.contains("expected a map") => {
            "decode: a map type where the body has another shape"
        }
        "decode" if message.starts_with("invalid type") => "decode: a value of another type than generated",
        "decode" if message.starts_with("missing field") => "decode: a required field is absent",
        "decode" if message.starts_with("unknown variant") => "decode: a string outside the generated enum",
        "decode" if is_chrono(message) => "decode: a date or time chrono refuses",
        "decode" if message.contains("invalid length") || message.contains("invalid character") => {
            "decode: a UUID or other formatted string refused"
        }
        "decode" => "decode: other",
        "encode" => "re-encode",
        "unstable" => "unstable round trip",
        _ => "panic",
    };
    group.to_owned()
}

fn is_chrono(message: &str) -> bool {
    ["premature end of input", "input contains invalid characters", "input is out of range", "trailing input"]
        .iter()
        .any(|m| message.contains(m))
}

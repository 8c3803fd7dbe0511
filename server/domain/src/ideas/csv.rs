//! CSV as RFC 4180 says (comma-separated, CRLF line ends, fields with commas, quotes or line breaks quoted,
//! quotes doubled), UTF-8, and safe to open in a spreadsheet: a text cell that starts like a formula
//! (`=`, `+`, `-`, `@`, tab, carriage return) is prefixed with `'` so it is shown, never evaluated.

/// One text cell: formula-neutralised, then quoted when needed.
pub fn text_cell(raw: &str) -> String {
    let neutral = if raw.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{raw}")
    } else {
        raw.to_owned()
    };
    quote(&neutral)
}

/// A cell written by Hearth itself (numbers, times, statuses): quoted when needed, never prefixed.
pub fn plain_cell(raw: &str) -> String {
    quote(raw)
}

fn quote(cell: &str) -> String {
    if cell.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.to_owned()
    }
}

/// Appends one record (cells already escaped) and its CRLF.
pub fn push_record(out: &mut String, cells: &[String]) {
    out.push_str(&cells.join(","));
    out.push_str("\r\n");
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn cells_are_quoted_and_formulas_neutralised() {
        assert_eq!(text_cell("plain"), "plain");
        assert_eq!(text_cell("a, b"), "\"a, b\"");
        assert_eq!(text_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(text_cell("two\nlines"), "\"two\nlines\"");
        assert_eq!(text_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(text_cell("+1"), "'+1");
        assert_eq!(text_cell("-2+3"), "'-2+3");
        assert_eq!(text_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(text_cell("\tx"), "'\tx");
        assert_eq!(plain_cell("-3"), "-3");
        let mut out = String::new();
        push_record(&mut out, &[text_cell("a"), plain_cell("1")]);
        assert_eq!(out, "a,1\r\n");
    }
}

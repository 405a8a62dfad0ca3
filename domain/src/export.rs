//! Cells for CSV files that staff open in a spreadsheet. Text a resident typed must never
//! become a formula there (`=HYPERLINK(…)`, `@SUM(…)`, DDE via `+`/`-`), so a cell that a
//! spreadsheet would read as one gets a leading apostrophe (OWASP "CSV injection"). Numbers,
//! including negative ones, stay numbers.

/// Characters that make a spreadsheet treat a cell as a formula.
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The cell as text that no spreadsheet evaluates.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = cell.starts_with(FORMULA_START) && cell.trim().parse::<f64>().is_err();
    if risky {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// One CSV field: neutralised, and quoted when it holds a separator, quote or line break.
pub fn csv_field(cell: &str) -> String {
    let safe = neutralise(cell);
    if safe.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", safe.replace('"', "\"\""))
    } else {
        safe.into_owned()
    }
}

/// A CSV line of fields, ending in CRLF.
pub fn csv_line<S: AsRef<str>>(cells: &[S]) -> String {
    let mut line = cells
        .iter()
        .map(|c| csv_field(c.as_ref()))
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_neutralised_and_numbers_kept() {
        let table = [
            (
                "=HYPERLINK(\"http://x\",\"y\")",
                "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"",
            ),
            ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tleading tab", "'\tleading tab"),
            ("\rx", "\"'\rx\""),
            ("-12.5", "-12.5"),
            ("+7", "+7"),
            ("很满意", "很满意"),
            ("a,b", "\"a,b\""),
            ("", ""),
        ];
        for (input, expected) in table {
            assert_eq!(csv_field(input), expected, "{input:?}");
        }
        assert_eq!(csv_line(&["1", "=1+1"]), "1,'=1+1\r\n");
    }
}

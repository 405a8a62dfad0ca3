//! A table as a download: CSV (UTF-8 with a BOM, so Excel on a Chinese Windows opens it
//! right; cells that could run as formulas neutralised) or XLSX. Shared by every export.

use crate::error::{ApiError, ApiResult};
use axum::http::header;
use axum::response::{IntoResponse, Response};

/// `rows` includes the header row. `format` is the query's `format`: `csv` (default) or `xlsx`.
pub fn download(format: Option<&str>, file: &str, rows: &[Vec<String>]) -> ApiResult<Response> {
    match format {
        None | Some("csv") => {
            let mut out = String::from("\u{feff}");
            for row in rows {
                out.push_str(&anju_domain::export::csv_line(row));
            }
            Ok((
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{file}.csv\""),
                    ),
                ],
                out,
            )
                .into_response())
        }
        Some("xlsx") => {
            let mut workbook = rust_xlsxwriter::Workbook::new();
            let sheet = workbook.add_worksheet();
            let xl =
                |e: rust_xlsxwriter::XlsxError| ApiError::Internal(anyhow::anyhow!("xlsx: {e}"));
            // Written as strings: a spreadsheet never evaluates them.
            for (r, row) in rows.iter().enumerate() {
                for (c, cell) in row.iter().enumerate() {
                    sheet.write_string(r as u32, c as u16, cell).map_err(xl)?;
                }
            }
            Ok(xlsx_file(file, workbook.save_to_buffer().map_err(xl)?))
        }
        Some(_) => Err(ApiError::field(
            "format",
            "格式只能是 csv 或 xlsx",
            "Format must be csv or xlsx",
        )),
    }
}

/// A workbook already written, as the download `file.xlsx`.
pub fn xlsx_file(file: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}.xlsx\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// What a list's `format` asks for: the JSON the app reads (the default), or a workbook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListFormat {
    Json,
    Xlsx,
}

pub fn list_format(format: Option<&str>) -> ApiResult<ListFormat> {
    match format {
        None | Some("json") => Ok(ListFormat::Json),
        Some("xlsx") => Ok(ListFormat::Xlsx),
        Some(_) => Err(ApiError::field(
            "format",
            "格式只能是 json 或 xlsx",
            "Format must be json or xlsx",
        )),
    }
}

/// A workbook's writing error, as the server's.
pub fn xlsx_error(e: rust_xlsxwriter::XlsxError) -> ApiError {
    ApiError::Internal(anyhow::anyhow!("xlsx: {e}"))
}

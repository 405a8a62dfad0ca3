//! Row decoding shared by the storage modules. Rows whose columns are plain values derive
//! `sqlx::FromRow`; the hand-written decoders (enums stored as text, JSON columns) report a
//! bad value through [`decode_err`], naming the column.

/// A column whose stored value does not decode (an unknown state name, broken JSON).
pub fn decode_err(col: &str, msg: String) -> sqlx::Error {
    sqlx::Error::ColumnDecode {
        index: col.into(),
        source: msg.into(),
    }
}

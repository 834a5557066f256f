// Package export writes weft data in formats people open elsewhere: a
// ledger as CSV (for spreadsheets) and a case study as Markdown.
//
// Both are pure: they write to the io.Writer they are given and keep no
// state, so they are safe for concurrent use. CSV is UTF-8 without a byte
// order mark (spreadsheets that need one can be given it by the caller), one
// header row, RFC 4180 quoting, and every text cell that a spreadsheet
// would read as a formula prefixed with an apostrophe.
package export

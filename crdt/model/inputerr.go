package model

import "errors"

// inputErrors are the errors of values a person typed.
var inputErrors = []error{ErrUnknownCurrency, ErrInvalidAmount, ErrAmountPrecision, ErrAmountOverflow,
	ErrUnknownZone, ErrNonexistentTime, ErrAmbiguousTime, ErrInvalidTime, ErrInvalidDate,
	ErrOffsetMismatch, ErrEmptyRange}

// IsInputError reports whether err comes from a value a person typed: an
// amount, a currency, a date, a time or a zone. Interfaces report such
// errors as bad input (exit 2, HTTP 400), not as failures.
func IsInputError(err error) bool {
	for _, s := range inputErrors {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}

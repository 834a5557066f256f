package model

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Errors returned by CurrencyExponent, ParseAmount and their callers. They
// are wrapped with the offending value; match them with errors.Is.
var (
	// ErrUnknownCurrency means a code is not an active ISO 4217 currency.
	ErrUnknownCurrency = errors.New("model: unknown currency")
	// ErrInvalidAmount means an amount is not a positive decimal number.
	ErrInvalidAmount = errors.New("model: invalid amount")
	// ErrAmountPrecision means an amount has more decimals than its
	// currency's minor unit allows.
	ErrAmountPrecision = errors.New("model: too many decimals")
	// ErrAmountOverflow means an amount does not fit in 64-bit minor units.
	ErrAmountOverflow = errors.New("model: amount too large")
)

// currencyExponents maps every active ISO 4217 currency code (list one,
// including fund codes such as BOV and CLF) to its minor-unit exponent.
// Codes whose minor unit is "N.A." (precious metals, XDR, XSU, XUA, XTS,
// XXX) are left out: no amount in minor units can be kept in them.
var currencyExponents = map[string]int{
	"AED": 2, "AFN": 2, "ALL": 2, "AMD": 2, "ANG": 2, "AOA": 2, "ARS": 2, "AUD": 2,
	"AWG": 2, "AZN": 2, "BAM": 2, "BBD": 2, "BDT": 2, "BGN": 2, "BHD": 3, "BIF": 0,
	"BMD": 2, "BND": 2, "BOB": 2, "BOV": 2, "BRL": 2, "BSD": 2, "BTN": 2, "BWP": 2,
	"BYN": 2, "BZD": 2, "CAD": 2, "CDF": 2, "CHE": 2, "CHF": 2, "CHW": 2, "CLF": 4,
	"CLP": 0, "CNY": 2, "COP": 2, "COU": 2, "CRC": 2, "CUP": 2, "CVE": 2, "CZK": 2,
	"DJF": 0, "DKK": 2, "DOP": 2, "DZD": 2, "EGP": 2, "ERN": 2, "ETB": 2, "EUR": 2,
	"FJD": 2, "FKP": 2, "GBP": 2, "GEL": 2, "GHS": 2, "GIP": 2, "GMD": 2, "GNF": 0,
	"GTQ": 2, "GYD": 2, "HKD": 2, "HNL": 2, "HTG": 2, "HUF": 2, "IDR": 2, "ILS": 2,
	"INR": 2, "IQD": 3, "IRR": 2, "ISK": 0, "JMD": 2, "JOD": 3, "JPY": 0, "KES": 2,
	"KGS": 2, "KHR": 2, "KMF": 0, "KPW": 2, "KRW": 0, "KWD": 3, "KYD": 2, "KZT": 2,
	"LAK": 2, "LBP": 2, "LKR": 2, "LRD": 2, "LSL": 2, "LYD": 3, "MAD": 2, "MDL": 2,
	"MGA": 2, "MKD": 2, "MMK": 2, "MNT": 2, "MOP": 2, "MRU": 2, "MUR": 2, "MVR": 2,
	"MWK": 2, "MXN": 2, "MXV": 2, "MYR": 2, "MZN": 2, "NAD": 2, "NGN": 2, "NIO": 2,
	"NOK": 2, "NPR": 2, "NZD": 2, "OMR": 3, "PAB": 2, "PEN": 2, "PGK": 2, "PHP": 2,
	"PKR": 2, "PLN": 2, "PYG": 0, "QAR": 2, "RON": 2, "RSD": 2, "RUB": 2, "RWF": 0,
	"SAR": 2, "SBD": 2, "SCR": 2, "SDG": 2, "SEK": 2, "SGD": 2, "SHP": 2, "SLE": 2,
	"SOS": 2, "SRD": 2, "SSP": 2, "STN": 2, "SVC": 2, "SYP": 2, "SZL": 2, "THB": 2,
	"TJS": 2, "TMT": 2, "TND": 3, "TOP": 2, "TRY": 2, "TTD": 2, "TWD": 2, "TZS": 2,
	"UAH": 2, "UGX": 0, "USD": 2, "USN": 2, "UYI": 0, "UYU": 2, "UYW": 4, "UZS": 2,
	"VED": 2, "VES": 2, "VND": 0, "VUV": 0, "WST": 2, "XAF": 0, "XCD": 2, "XCG": 2,
	"XOF": 0, "XPF": 0, "YER": 2, "ZAR": 2, "ZMW": 2, "ZWG": 2,
}

// CurrencyExponent returns how many decimal digits the minor unit of an
// ISO 4217 currency has: 2 for EUR (cents), 0 for JPY, 3 for KWD. Codes are
// three capital letters; anything else wraps ErrUnknownCurrency.
func CurrencyExponent(code string) (int, error) {
	exp, ok := currencyExponents[code]
	if !ok {
		return 0, fmt.Errorf("%w %q: use an ISO 4217 code in capitals, such as EUR or USD", ErrUnknownCurrency, code)
	}
	return exp, nil
}

// ParseAmount reads a positive decimal amount such as "107.50" in currency
// and returns it in the currency's minor units (10750 for EUR). The decimal
// separator is ".", with no thousands separators, sign, spaces or exponent,
// and at most as many decimals as the currency has (two for EUR, none for
// JPY). Errors wrap ErrUnknownCurrency, ErrInvalidAmount, ErrAmountPrecision
// or ErrAmountOverflow.
func ParseAmount(s, currency string) (int64, error) {
	exp, err := CurrencyExponent(currency)
	if err != nil {
		return 0, err
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if err := checkAmountSyntax(s, whole, frac, hasDot); err != nil {
		return 0, err
	}
	if len(frac) > exp {
		return 0, fmt.Errorf("%w in %q: %s takes %s", ErrAmountPrecision, s, currency, decimalsPhrase(exp))
	}
	digits := whole + frac + strings.Repeat("0", exp-len(frac))
	minor, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: %q %s", ErrAmountOverflow, s, currency)
	}
	if minor == 0 {
		return 0, fmt.Errorf("%w %q: amounts are positive; the direction says which way money moved", ErrInvalidAmount, s)
	}
	return minor, nil
}

// checkAmountSyntax refuses anything but digits with at most one ".".
func checkAmountSyntax(s, whole, frac string, hasDot bool) error {
	switch {
	case s == "":
		return fmt.Errorf("%w: empty; write a number such as 12.50", ErrInvalidAmount)
	case strings.HasPrefix(s, "-"):
		return fmt.Errorf("%w %q: amounts are positive; the direction says which way money moved", ErrInvalidAmount, s)
	case strings.Contains(s, ","):
		return fmt.Errorf("%w %q: use \".\" as the decimal separator and no thousands separators", ErrInvalidAmount, s)
	case !allDigits(whole) || (hasDot && !allDigits(frac)):
		return fmt.Errorf("%w %q: write digits with an optional \".\" and decimals, such as 12.50", ErrInvalidAmount, s)
	}
	return nil
}

// allDigits reports whether s is one or more ASCII digits.
func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// decimalsPhrase says how many decimals a currency takes, in words.
func decimalsPhrase(exp int) string {
	switch exp {
	case 0:
		return "no decimals"
	case 1:
		return "at most 1 decimal"
	}
	return fmt.Sprintf("at most %d decimals", exp)
}

// FormatMinor writes an amount in minor units as a decimal string with
// exactly the currency's number of decimals: 10750 EUR is "107.50", -300
// EUR is "-3.00", 1000 JPY is "1000". An unknown currency is written with
// two decimals.
func FormatMinor(minor int64, currency string) string {
	exp, err := CurrencyExponent(currency)
	if err != nil {
		exp = 2
	}
	sign := ""
	digits := strconv.FormatInt(minor, 10)
	if minor < 0 {
		sign, digits = "-", digits[1:]
	}
	if exp == 0 {
		return sign + digits
	}
	if len(digits) <= exp {
		digits = strings.Repeat("0", exp-len(digits)+1) + digits
	}
	cut := len(digits) - exp
	return sign + digits[:cut] + "." + digits[cut:]
}

package model

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestCurrencyExponent(t *testing.T) {
	tests := []struct {
		code string
		want int
	}{
		{"EUR", 2}, {"USD", 2}, {"JPY", 0}, {"KWD", 3}, {"BHD", 3}, {"TND", 3},
		{"CLP", 0}, {"ISK", 0}, {"XOF", 0}, {"XAF", 0}, {"UGX", 0}, {"VND", 0},
		{"KRW", 0}, {"CLF", 4}, {"UYW", 4}, {"GBP", 2}, {"INR", 2},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			got, err := CurrencyExponent(tt.code)
			if err != nil || got != tt.want {
				t.Fatalf("CurrencyExponent(%q) = %d, %v; want %d", tt.code, got, err, tt.want)
			}
		})
	}
	for _, code := range []string{"", "eur", "XAU", "XXX", "ABC", "EURO"} {
		t.Run("unknown/"+code, func(t *testing.T) {
			if _, err := CurrencyExponent(code); !errors.Is(err, ErrUnknownCurrency) {
				t.Fatalf("CurrencyExponent(%q) error = %v; want ErrUnknownCurrency", code, err)
			}
		})
	}
}

func TestCurrencyTableShape(t *testing.T) {
	if len(currencyExponents) < 150 {
		t.Fatalf("only %d currencies: the ISO 4217 list has about 170 active codes", len(currencyExponents))
	}
	for code, exp := range currencyExponents {
		if len(code) != 3 || strings.ToUpper(code) != code || exp < 0 || exp > 4 {
			t.Errorf("bad table entry %q: %d", code, exp)
		}
	}
}

func TestParseAmount(t *testing.T) {
	tests := []struct {
		name, in, cur string
		want          int64
	}{
		{"cents", "107.50", "EUR", 10750},
		{"one decimal", "107.5", "EUR", 10750},
		{"whole", "12", "EUR", 1200},
		{"yen", "1000", "JPY", 1000},
		{"dinar", "1.234", "KWD", 1234},
		{"leading zeros", "0.01", "USD", 1},
		{"largest", "92233720368547758.07", "EUR", math.MaxInt64},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseAmount(tt.in, tt.cur)
			if err != nil || got != tt.want {
				t.Fatalf("ParseAmount(%q, %q) = %d, %v; want %d", tt.in, tt.cur, got, err, tt.want)
			}
		})
	}
}

func TestParseAmountRefused(t *testing.T) {
	tests := []struct {
		name, in, cur string
		want          error
		says          string
	}{
		{"too precise euro", "12.345", "EUR", ErrAmountPrecision, "EUR takes at most 2 decimals"},
		{"decimals in yen", "10.5", "JPY", ErrAmountPrecision, "JPY takes no decimals"},
		{"letters", "abc", "EUR", ErrInvalidAmount, "digits"},
		{"empty", "", "EUR", ErrInvalidAmount, "empty"},
		{"negative", "-3.00", "EUR", ErrInvalidAmount, "positive"},
		{"zero", "0.00", "EUR", ErrInvalidAmount, "positive"},
		{"plus sign", "+3", "EUR", ErrInvalidAmount, "digits"},
		{"comma", "3,50", "EUR", ErrInvalidAmount, "separator"},
		{"exponent", "1e3", "EUR", ErrInvalidAmount, "digits"},
		{"trailing dot", "3.", "EUR", ErrInvalidAmount, "digits"},
		{"leading dot", ".5", "EUR", ErrInvalidAmount, "digits"},
		{"two dots", "1.2.3", "EUR", ErrInvalidAmount, "digits"},
		{"space", " 3", "EUR", ErrInvalidAmount, "digits"},
		{"overflow", "92233720368547758.08", "EUR", ErrAmountOverflow, "too large"},
		{"huge", strings.Repeat("9", 40), "JPY", ErrAmountOverflow, "too large"},
		{"unknown currency", "3", "EURO", ErrUnknownCurrency, "ISO 4217"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseAmount(tt.in, tt.cur)
			if !errors.Is(err, tt.want) {
				t.Fatalf("ParseAmount(%q, %q) error = %v; want %v", tt.in, tt.cur, err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.says) || !strings.HasPrefix(err.Error(), "model: ") {
				t.Fatalf("error %q should start with model: and say %q", err, tt.says)
			}
		})
	}
}

func TestFormatMinor(t *testing.T) {
	tests := []struct {
		minor int64
		cur   string
		want  string
	}{
		{10750, "EUR", "107.50"},
		{-300, "EUR", "-3.00"},
		{1000, "JPY", "1000"},
		{5, "EUR", "0.05"},
		{-5, "EUR", "-0.05"},
		{0, "EUR", "0.00"},
		{1234, "KWD", "1.234"},
		{7, "KWD", "0.007"},
		{1, "CLF", "0.0001"},
		{math.MinInt64, "EUR", "-92233720368547758.08"},
		{150, "???", "1.50"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := FormatMinor(tt.minor, tt.cur); got != tt.want {
				t.Fatalf("FormatMinor(%d, %q) = %q; want %q", tt.minor, tt.cur, got, tt.want)
			}
		})
	}
}

func TestAmountRoundTrip(t *testing.T) {
	for code := range currencyExponents {
		for _, minor := range []int64{1, 9, 10, 1001, 123456789, math.MaxInt64} {
			s := FormatMinor(minor, code)
			got, err := ParseAmount(s, code)
			if err != nil || got != minor {
				t.Fatalf("%s: %d -> %q -> %d, %v", code, minor, s, got, err)
			}
		}
	}
}

//go:build !race

package stsxml

const raceEnabled = false

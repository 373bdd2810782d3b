package textio

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf16"

	"golang.org/x/text/encoding/charmap"
)

func utf16le(s string, bom bool) []byte {
	var b bytes.Buffer
	if bom {
		b.Write([]byte{0xFF, 0xFE})
	}
	for _, u := range utf16.Encode([]rune(s)) {
		b.WriteByte(byte(u))
		b.WriteByte(byte(u >> 8))
	}
	return b.Bytes()
}

func utf16be(s string, bom bool) []byte {
	var b bytes.Buffer
	if bom {
		b.Write([]byte{0xFE, 0xFF})
	}
	for _, u := range utf16.Encode([]rune(s)) {
		b.WriteByte(byte(u >> 8))
		b.WriteByte(byte(u))
	}
	return b.Bytes()
}

func cp(s string, cm *charmap.Charmap) []byte {
	b, err := cm.NewEncoder().Bytes([]byte(s))
	if err != nil {
		panic(err)
	}
	return b
}

const polish = "Źródło zdarzenia: MSExchangeCluster\r\nOpis: Przed przełączeniem serwera wirtualnego należy go uaktualnić.\r\n"

func TestDetectAndRead(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		enc  Encoding
	}{
		{"utf-8", []byte(polish), UTF8},
		{"utf-8 bom", append([]byte{0xEF, 0xBB, 0xBF}, polish...), UTF8BOM},
		{"utf-16le bom", utf16le(polish, true), UTF16LEBOM},
		{"utf-16le no bom", utf16le(polish, false), UTF16LE},
		{"utf-16be bom", utf16be(polish, true), UTF16BEBOM},
		{"utf-16be no bom", utf16be(polish, false), UTF16BE},
		{"windows-1250", cp(polish, charmap.Windows1250), Windows1250},
		{"lf only", []byte(strings.ReplaceAll(polish, "\r\n", "\n")), UTF8},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := NewLines(bytes.NewReader(tc.in))
			if l.Encoding() != tc.enc {
				t.Errorf("encoding %s, want %s", l.Encoding(), tc.enc)
			}
			var got []string
			for l.Next() {
				got = append(got, l.Text())
			}
			if l.Err() != nil {
				t.Fatal(l.Err())
			}
			want := []string{"Źródło zdarzenia: MSExchangeCluster", "Opis: Przed przełączeniem serwera wirtualnego należy go uaktualnić."}
			if strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("lines = %q", got)
			}
			if l.Number() != 2 {
				t.Errorf("line number %d, want 2", l.Number())
			}
		})
	}
}

func TestWestern1252(t *testing.T) {
	in := cp("Café: données reçues\r\n", charmap.Windows1252)
	if e := Detect(in); e != Windows1252 {
		t.Fatalf("Detect = %s", e)
	}
	l := NewLines(bytes.NewReader(in))
	if !l.Next() || l.Text() != "Café: données reçues" {
		t.Fatalf("line = %q", l.Text())
	}
}

func TestLongLineIsCutNotLoaded(t *testing.T) {
	long := strings.Repeat("x", MaxLine+12345)
	l := NewLines(strings.NewReader("first\n" + long + "\nlast\n"))
	var lens []int
	var cut []bool
	for l.Next() {
		lens = append(lens, len(l.Text()))
		cut = append(cut, l.Truncated())
	}
	if len(lens) != 3 || lens[0] != 5 || lens[1] != MaxLine || lens[2] != 4 {
		t.Fatalf("line lengths %v", lens)
	}
	if cut[0] || !cut[1] || cut[2] {
		t.Errorf("truncated flags %v", cut)
	}
}

func TestLateANSIBytesAreDecodedInTheCodePage(t *testing.T) {
	// An ANSI log whose first national letter comes long after the head
	// the detector sees: an ASCII banner, then Polish text, then a line
	// that mixes valid UTF-8 with a stray byte.
	head := strings.Repeat("0.125: ascii line of the banner\r\n", 300)
	in := append([]byte(head), cp("1.313: Błąd: nie można zainstalować pliku w3svc.dll\r\n", charmap.Windows1250)...)
	in = append(in, cp("1.320: Użytkownik anulował\r\n", charmap.Windows1250)...)
	in = append(in, []byte("1.330: UTF-8 ś and a stray \xff\r\n")...)
	l := NewLines(bytes.NewReader(in))
	if l.Encoding() != UTF8 {
		t.Fatalf("encoding %s, want %s (the head is ASCII)", l.Encoding(), UTF8)
	}
	var got []string
	for l.Next() {
		got = append(got, l.Text())
	}
	want := []string{
		"1.313: Błąd: nie można zainstalować pliku w3svc.dll",
		"1.320: Użytkownik anulował",
		"1.330: UTF-8 ś and a stray ˙", // 0xFF is a dot above in Windows-1250
	}
	if len(got) != 303 || strings.Join(got[300:], "|") != strings.Join(want, "|") {
		t.Errorf("%d lines, last ones %q, want %q", len(got), got[len(got)-3:], want)
	}
}

func TestLateWesternBytesAreWindows1252(t *testing.T) {
	in := strings.Repeat("ok line\n", 600) + "caf\xe9 \xff\n"
	l := NewLines(strings.NewReader(in))
	var last string
	for l.Next() {
		last = l.Text()
	}
	if last != "café ÿ" {
		t.Errorf("last = %q", last)
	}
}

func TestPolishWithoutOgonekIsWindows1250(t *testing.T) {
	// ż, ć and ó only: no ą, ś or ł in the head.
	in := cp("Message displayed to the user: Nie można zainstalować plików.\r\n", charmap.Windows1250)
	if e := Detect(in); e != Windows1250 {
		t.Fatalf("Detect = %s, want %s", e, Windows1250)
	}
	l := NewLines(bytes.NewReader(in))
	if !l.Next() || l.Text() != "Message displayed to the user: Nie można zainstalować plików." {
		t.Errorf("line = %q", l.Text())
	}
}

func TestDecodeHead(t *testing.T) {
	head := utf16le("[03/13/2021 05:01:29.0411] [0] Starting", true)
	head = head[:len(head)-1] // cut inside a character
	if got := DecodeHead(head); got != "[03/13/2021 05:01:29.0411] [0] Startin" {
		t.Errorf("DecodeHead = %q", got)
	}
}

func TestLastLineWithoutNewline(t *testing.T) {
	l := NewLines(strings.NewReader("a\r\nb"))
	var got []string
	for l.Next() {
		got = append(got, l.Text())
	}
	if strings.Join(got, ",") != "a,b" {
		t.Errorf("lines = %q", got)
	}
}

func BenchmarkLines(b *testing.B) {
	data := bytes.Repeat([]byte("[03/13/2021 05:01:29.0411] [1] Evaluated [Rule:RebootPending] [HasException:False] [Value:\"False\"]\r\n"), 10000)
	b.SetBytes(int64(len(data)))
	for i := 0; i < b.N; i++ {
		l := NewLines(bytes.NewReader(data))
		for l.Next() {
		}
	}
}

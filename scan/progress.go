package scan

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
)

// Bar is a Progress drawn on a terminal: files done of the total, bytes
// read, rate and time left. It draws at most ten times a second and
// clears its line when the scan ends.
type Bar struct {
	w     io.Writer
	mu    sync.Mutex
	bar   *progressbar.ProgressBar
	files int
	done  int
}

// NewBar returns a progress bar that draws on w (standard error).
func NewBar(w io.Writer) *Bar { return &Bar{w: w} }

// Start draws the empty bar.
func (b *Bar) Start(files int, bytes int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.files = files
	b.bar = progressbar.NewOptions64(max(bytes, 1),
		progressbar.OptionSetWriter(b.w),
		progressbar.OptionSetDescription(b.describe()),
		progressbar.OptionShowBytes(true),
		progressbar.OptionShowCount(),
		progressbar.OptionUseIECUnits(true),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionSetWidth(24),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSetRenderBlankState(true),
	)
}

func (b *Bar) describe() string { return fmt.Sprintf("%d/%d files", b.done, b.files) }

// Add advances the bar.
func (b *Bar) Add(files int, bytes int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.bar == nil {
		return
	}
	if files > 0 {
		b.done += files
		b.bar.Describe(b.describe())
	}
	if bytes > 0 {
		b.bar.Add64(bytes)
	}
}

// Finish clears the bar.
func (b *Bar) Finish() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.bar != nil {
		b.bar.Finish()
		b.bar = nil
	}
}

package detectors

// hitSet merges the hits of one checker as they arrive, so that a rule
// matching a million records keeps one hit per host and key, with at most
// MaxEvidence evidence items and the count of all of them: memory stays
// bounded whatever the input.
type hitSet struct {
	idx  map[string]int
	hits []Hit
	tags []int // a caller's tag per hit (the setup run, for verdict-run rules)
}

// add merges h (which stands for one record unless h.Count says more) into
// the hit with the same host, key and tag.
func (s *hitSet) add(h Hit, tag int) {
	n := h.Count
	if n == 0 {
		n = len(h.Evidence)
	}
	k := h.Host + "\x00" + h.Key + "\x00" + string(rune(tag))
	if i, ok := s.idx[k]; ok {
		cur := &s.hits[i]
		cur.Count += n
		for _, e := range h.Evidence {
			if len(cur.Evidence) < MaxEvidence {
				cur.Evidence = append(cur.Evidence, e)
			}
		}
		for key, v := range h.Values {
			if _, ok := cur.Values[key]; !ok {
				cur.Values[key] = v
			}
		}
		return
	}
	if s.idx == nil {
		s.idx = map[string]int{}
	}
	if h.Values == nil {
		h.Values = map[string]string{}
	}
	h.Count = n
	s.idx[k] = len(s.hits)
	s.hits = append(s.hits, h)
	s.tags = append(s.tags, tag)
}

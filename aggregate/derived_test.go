package aggregate

import "testing"

func TestConcentration(t *testing.T) {
	tests := []struct {
		name string
		desc []float64
		want Concentration
	}{
		{name: "three of four reach 90%", desc: []float64{5, 3, 1, 1}, want: Concentration{Workers: 3, Share: 0.9, Total: 10}},
		{name: "one does it all", desc: []float64{7, 0, 0}, want: Concentration{Workers: 1, Share: 1, Total: 7}},
		{name: "even load needs nine of ten", desc: []float64{1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, want: Concentration{Workers: 9, Share: 0.9, Total: 10}},
		{name: "no work", desc: []float64{0, 0}, want: Concentration{}},
		{name: "no workers", want: Concentration{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := concentration(tt.desc)
			if got.Workers != tt.want.Workers || !relNear(got.Share, tt.want.Share, 1e-12) || got.Total != tt.want.Total {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

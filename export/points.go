package export

import (
	"fmt"
	"io"

	"github.com/baosong/baosong/desk"
	"github.com/baosong/baosong/org"
)

// Points is the points export (SPEC §10.1; add fields, never rename): one
// row per officer (and other submitter), ranked, plus the units' totals.
type Points struct {
	Kind    string            `json:"kind"` // "points"
	Period  string            `json:"period"`
	Members []desk.PointsRow  `json:"members"`
	Units   []desk.UnitPoints `json:"units"`
	src     *Source
}

func pointsDocument(src *Source, p org.Period) (Document, error) {
	r, err := src.desk()
	if err != nil {
		return nil, err
	}
	rows := src.Desk.Policy.Points(src.Dir, r.arts, p.From, p.To, src.now())
	return &Points{Kind: "points", Period: p.Name, Members: rows, Units: desk.UnitTotals(rows), src: src}, nil
}

// JSON writes the contract.
func (x *Points) JSON(w io.Writer) error { return writeJSON(w, x, "points") }

var pointsHeader = []string{"名次", "姓名", "单位", "任务(篇)", "计入(篇)", "延期(篇)", "少报(篇)", "采用(篇)", "奖励(元)",
	"罚款(元)", "合计(元)", "调研(篇)", "调研任务(篇)", "已结算"}
var pointsWidths = []float64{6, 10, 12, 9, 9, 9, 9, 9, 9, 9, 9, 9, 11, 8}

var unitPointsHeader = []string{"名次", "单位", "人数", "任务(篇)", "计入(篇)", "少报(篇)", "采用(篇)", "奖励(元)", "罚款(元)", "合计(元)"}
var unitPointsWidths = []float64{6, 14, 6, 9, 9, 9, 9, 9, 9, 9}

func (x *Points) rows() [][]any {
	out := make([][]any, len(x.Members))
	for i, r := range x.Members {
		closed := "否"
		if r.Closed {
			closed = "是"
		}
		out[i] = []any{r.Rank, r.Name, r.UnitName, r.Quota, r.Counted, r.Late, r.Shortfall, r.Adopted, r.RewardYuan,
			r.PenaltyYuan, r.NetYuan, r.Research, r.ResearchQuota, closed}
	}
	return out
}

// CSV writes one line per member.
func (x *Points) CSV(w io.Writer) error { return writeCSV(w, pointsHeader, x.rows(), "points") }

const (
	pointsSheet     = "个人积分"
	unitPointsSheet = "单位排名"
)

func (x *Points) sheets(b *book) {
	label := org.PeriodLabel(x.Period)
	b.sheet(pointsSheet, fmt.Sprintf("%s 信息积分（%s）", x.src.Dir.Name, label), pointsHeader, pointsWidths)
	for i, r := range x.rows() {
		b.row(dataRow+i, r)
	}
	b.sheet(unitPointsSheet, fmt.Sprintf("%s 单位排名（%s）", x.src.Dir.Name, label), unitPointsHeader, unitPointsWidths)
	for i, u := range x.Units {
		b.row(dataRow+i, []any{u.Rank, u.UnitName, u.Members, u.Quota, u.Counted, u.Shortfall, u.Adopted,
			u.RewardYuan, u.PenaltyYuan, u.NetYuan})
	}
}

// XLSX writes the sheets 个人积分 and 单位排名.
func (x *Points) XLSX(w io.Writer) error {
	b := newBook()
	x.sheets(b)
	return b.finish(w, "points")
}

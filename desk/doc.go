// Package desk is the information desk of baosong: information items and
// their review chain (投稿, 通过, 采用, 签发; 篇1, 篇6, 篇7), points and the
// circular, statistics items, weekly department reports, good deeds and
// media summaries. Its pure rules are the package functions and
// InfoPolicy; the Service loads, applies and stores through its Store.
//
// The desk depends on attendance in one place only, and only this way: the
// circular counts the classes' attendance forms through FormCounter, which
// *attendance.Service implements.
//
// # Words
//
// An Article is an information item (信息稿件, S<n>): the record the SPEC,
// the commands' intents, the submissions export and the [submission]
// section call a submission, and the prose of this package calls an item.
// "Submission" never means anything else in the tree (an attendance message
// is attendance.Message). Fields are an item's typed fields, a Step one step
// of its review chain, an Adoption one adoption at a level. Weekly (W<n>),
// GoodDeed (G<n>) and MediaSummary are the desk's other records. The
// Service does the work through its Store, one Tx per change.
package desk

package parse

import (
	"strings"
	"unicode/utf8"
)

// The attendance parser takes a run of Han characters for a student's name
// only when it looks like one: two or three characters starting with a
// Chinese surname (a compound surname such as 欧阳 makes room for four or
// five), or a transliterated name joined by a middle dot
// (买买提·艾力). Everything else — 节, 第, 在操场, 睡过头 — is text the parser
// did not understand, so the form is asked back instead of stored with an
// invented student. 某 stands for an anonymised name (张某, 某某).

// surnames are the single-character surnames taken as the start of a name:
// the common ones of the 百家姓 and of today's population registers.
const surnames = "" +
	"王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢" +
	"姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施" +
	"文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷" +
	"盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷" +
	"晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆" +
	"乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平" +
	"计索宣晋相初门云容敬扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌裘亓修邰赫杭况宿鲜印逯隆茹诸战慕危玉银亢嵇公" +
	"哈湛宾戎勾茅利於呼居揭干尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭某"

// compoundSurnames are the two-character surnames still in use.
var compoundSurnames = []string{"欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "夏侯",
	"端木", "长孙", "宇文", "司徒", "独孤", "南宫", "西门", "轩辕", "呼延", "申屠", "太史", "澹台", "公冶", "濮阳"}

// notInNames are the words no name holds: the class-hour words (SPEC §5.1:
// they can never become names), and 各 and 两 that run into them.
var notInNames = []string{"节", "课", "学时", "第", "堂", "各", "两"}

// plausibleName reports whether text (a run of Han characters and middle
// dots) can be a student's name.
func plausibleName(text string) bool {
	for _, w := range notInNames {
		if strings.Contains(text, w) {
			return false
		}
	}
	if strings.Contains(text, "·") {
		parts := strings.Split(text, "·")
		for _, p := range parts {
			if n := utf8.RuneCountInString(p); n < 1 || n > 6 || strings.ContainsFunc(p, isChineseNumeral) {
				return false
			}
		}
		return len(parts) <= 3
	}
	n := utf8.RuneCountInString(text)
	for _, s := range compoundSurnames {
		if strings.HasPrefix(text, s) && n >= 3 && n <= 5 {
			return true
		}
	}
	// Four characters without a compound surname are more often two names
	// typed together (张三李四) or a name and a word (赵六也是) than one name.
	first, _ := utf8.DecodeRuneInString(text)
	return n >= 2 && n <= 3 && strings.ContainsRune(surnames, first)
}

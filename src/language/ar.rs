//! Arabic: Modern Standard Arabic as written in news.
//!
//! Segmentation rules for Arabic news text, the Snowball Arabic stemmer, cue word lists
//! and a valence list (`data/lexicons/valence-ar.tsv`). The word lists and the valence
//! list were written for factop and are under the project's own licence (MIT OR
//! Apache-2.0).
//!
//! Choices made, and why:
//!
//! - Words are written without diacritics (tashkeel), as news prints them: the
//!   tokenizer keeps diacritics inside a token, so a vowelled form would never match
//!   unvowelled text. Hamza is written as standard orthography has it (`أكد`, `إن`,
//!   `مسؤول`); for the commonest reporting verbs the hamza-less spellings many sites
//!   use (`اكد`, `اضاف`) are listed too, as is the Egyptian `مسئول` beside `مسؤول`.
//! - Arabic writes the conjunctions `و` and `ف`, the prepositions `ب`, `ل`, `ك` and
//!   the article `ال` as part of the word, and attached pronouns (`لكنه`, `بلادنا`) as
//!   well, and the tokenizer does not split them. Word lists are matched on the whole
//!   token, so the common prefixed and suffixed variants are listed as entries of their
//!   own (`قال وقال قالت وقالت`, `المصادر مصادر`, `لكن ولكن لكنه`); this is why the
//!   Reporting list is long. Where a bare form has a frequent second sense, only the
//!   prefixed forms are listed (`وطالب` "and demanded", not `طالب` "student"; `وكتب`,
//!   not `كتب` "books").
//! - The valence list is matched by stem, and the Snowball Arabic stemmer strips most
//!   of those affixes, so it lists a word once, and a feminine form only when it is a
//!   word of its own (`شجاعة` "courage", `شفافية`). The stemmer has quirks the list
//!   works around: it takes a leading `ف` or `ب` for a prefix even when it is a root
//!   letter (`فساد` → `ساد` "prevailed", `بشاعة` → `شاع` "spread"), so such words are
//!   listed in their definite form, which keeps the letter (`الفساد` → `فساد`), or
//!   beside it when the bare stem is harmless (`فضيحة`, `الفضيحة`). Words whose stem
//!   is a common neutral word were dropped (`منطقي` → `منطق` as in `منطقة` "region",
//!   `تاريخي` → `تاريخ` "date, history", `حكمة` → `حكم` "rule", `أناني` → `انا` "I",
//!   `فعال` → `عال` "high"). It leaves `و` before `ال` and before a plain alef
//!   (`والفساد`, `وانهيار`) unstripped; those forms go unmatched.
//! - Arabic rarely abbreviates with a period: titles are spelled out (`الدكتور`,
//!   `المهندس`) and dates and units are words. The few dotted abbreviations of news
//!   are listed: `د.` (doctor) and `أ.` (ustadh) before names, `أ.د.` (professor),
//!   which never end a sentence; `إلخ.` (etc.) and `ق.م.` (BC), which often do and so
//!   end one only before a sentence opener. The Gregorian-era marks `م` and `هـ` are
//!   left out on purpose: written after a year (`عام 1990م.`) they usually end the
//!   sentence, and a single letter can only be made never-ending, not may-ending.
//! - Arabic has no letter case, so the segmenter treats any Arabic letter after
//!   ". " as a capital; the starters matter only after the may-end abbreviations above.
//!   They are the usual openers of news sentences, most with the `و` prefix.
//! - Arabic writes no ordinal period after a number, hence `ordinals: false`.
//! - Quotation marks: guillemets `«…»`, the norm in much of the Arab press, and
//!   English-style curly quotes.
//! - There is no present-tense copula in Arabic (a nominal sentence has no verb: `هذا
//!   خطأ` "this [is] a mistake"), so the `Be` list holds only the nearest equivalents:
//!   the present of `كان` (`يكون`, used in subordinate and habitual clauses) and the
//!   existential `هناك`, `ثمة` ("there is").
//! - No past-tense or adverb suffixes. The Arabic past is a vowel pattern of the stem
//!   (invisible without diacritics) plus person endings (`ت`, `وا`, `نا`) that are
//!   also the endings of countless nouns and present forms (`بيانات`, `يقولوا`), so a
//!   suffix test would mostly count non-past words. Adverbs are made with the
//!   accusative `ـا` (`سريعا`, `تماما`), the ending of just as many nouns and verbs
//!   (`دعا`, `قالوا`); the usual evaluative adverbs are listed as Stance and
//!   Intensifier words instead.
//! - Some short words are ambiguous in unvowelled text and were weighed one by one:
//!   `ما` is both "not" and "what", `غير` both "non-, un-" and "but" (`غير أن`), `عام`
//!   both "year" and "general", `سنة` both "year" and "Sunni"; they are kept because
//!   their first sense is the frequent one in news. Words that are common first names
//!   (`عادل`, `أمين`, `جمال`, `سعيد`) or have a frequent neutral sense (`ذكي` in "smart
//!   phone", `مشرف` "supervisor", `بطولة` "championship") are left out of the valence
//!   list.

use super::{CueLexicon, Profile, SegmentRules, StemRule, WordClass};
use rust_stemmers::Algorithm;

/// The Arabic profile.
pub(super) const PROFILE: Profile = Profile {
    code: "ar",
    name: "Arabic",
    about: "Arabic (Snowball \"arabic\")",
    detected_as: Some(whatlang::Lang::Ara),
    right_to_left: true,
    stemmer: StemRule::Snowball(Algorithm::Arabic),
    segmentation: &SEGMENTATION,
    cues: Some(&CUES),
};

/// Abbreviations and sentence openers of Arabic news text.
const SEGMENTATION: SegmentRules = SegmentRules {
    // Arabic rarely abbreviates with a period (titles are spelled out); these are the
    // title abbreviations news does use before names: د. (doctor), أ. (ustadh), أ.د.
    // (professor doctor). They never end a sentence.
    never_end: &["د", "أ", "أ.د"],
    // "etc." (with and without hamza) and "BC", which often end a sentence.
    may_end: &["إلخ", "الخ", "ق.م"],
    // Common openers of Arabic news sentences.
    starters: &[
        "وقال",
        "وقالت",
        "وأضاف",
        "وأضافت",
        "وأكد",
        "وأكدت",
        "وأشار",
        "وأشارت",
        "وأوضح",
        "وأوضحت",
        "وتابع",
        "وتابعت",
        "وذكر",
        "وذكرت",
        "وأعلن",
        "وأعلنت",
        "وأفاد",
        "وأفادت",
        "وشدد",
        "ولفت",
        "ونقلت",
        "وأعرب",
        "ودعا",
        "وحذر",
        "واعتبر",
        "وكان",
        "وكانت",
        "ويأتي",
        "وتأتي",
        "ويعد",
        "وتعد",
        "ويعتبر",
        "وجاء",
        "وأظهرت",
        "وبحسب",
        "ووفقا",
        "وفي",
        "في",
        "ومن",
        "من",
        "وعلى",
        "على",
        "وقد",
        "قد",
        "كما",
        "لكن",
        "ولكن",
        "إن",
        "وإن",
        "هذا",
        "وهذا",
        "هذه",
        "وهذه",
        "وذلك",
        "ولم",
        "لم",
        "ولا",
        "لا",
        "ومع",
        "مع",
        "وبعد",
        "بعد",
        "وخلال",
        "خلال",
        "ومنذ",
        "منذ",
        "وفيما",
        "فيما",
        "وأما",
        "أما",
        "يذكر",
        "ويذكر",
        "يشار",
        "بدوره",
        "وبدوره",
        "بدورها",
        "وبدورها",
        "كذلك",
    ],
    ordinals: false,
    quotes: &[('\u{00AB}', '\u{00BB}'), ('\u{201C}', '\u{201D}')],
};

const CUES: CueLexicon = CueLexicon {
    words: &[
        (
            WordClass::Reporting,
            "\
        قال وقال فقال قالت وقالت قالوا وقالوا يقول ويقول تقول وتقول يقولون \
        أضاف وأضاف أضافت وأضافت يضيف ويضيف \
        أكد وأكد أكدت وأكدت أكدوا وأكدوا يؤكد ويؤكد تؤكد وتؤكد \
        أعلن وأعلن أعلنت وأعلنت أعلنوا \
        صرح وصرح صرحت وصرحت \
        أوضح وأوضح أوضحت وأوضحت يوضح \
        أشار وأشار أشارت وأشارت يشير ويشير تشير وتشير \
        تابع وتابع تابعت وتابعت \
        ذكر وذكر ذكرت وذكرت \
        نقل ونقل نقلت ونقلت \
        أفاد وأفاد أفادت وأفادت \
        شدد وشدد شددت وشددت \
        لفت ولفت \
        كشف وكشف كشفت وكشفت \
        أعرب وأعرب أعربت وأعربت \
        نفى ونفى نفت ونفت \
        اعترف واعترف اعترفت \
        حذر وحذر حذرت وحذرت \
        دعا ودعا دعت ودعت \
        وطالب طالبت \
        اعتبر واعتبر اعتبرت واعتبرت \
        أبلغ وأبلغ أخبر وأخبر أجاب وأجاب \
        وكتب كتبت وكتبت غرد وغرد غردت \
        زعم وزعم زعمت ادعى وادعى \
        أقر وأقر أقرت نوه ونوه أردف وأردف تساءل وتساءل \
        قائلا قائلة مضيفا مضيفة مؤكدا مؤكدة مشيرا مشيرة موضحا موضحة \
        لافتا معتبرا مشددا منوها محذرا \
        وفقا ووفقا طبقا وطبقا حسب وحسب بحسب وبحسب نقلا ونقلا \
        اكد واكد اكدت واكدت اضاف واضاف اضافت واضافت اعلن واعلن اعلنت واعلنت \
        اوضح واوضح اشار واشار اشارت واشارت",
        ),
        (
            WordClass::Speaker,
            "\
        هو وهو هي وهي هم وهم هما هن الذين \
        المتحدث متحدث المتحدثة الناطق ناطق الناطقة \
        المسؤول مسؤول المسؤولون مسؤولون المسؤولين مسؤولين مسؤولو مسؤولي \
        المسئول مسئول المسئولون مسئولون المسئولين مسئولين \
        الوزير وزير الوزيرة الوزارة وزارة الرئيس الرئاسة الحكومة حكومة \
        الشرطة الجيش السلطات سلطات السفير \
        المصادر مصادر المصدر مصدر التقرير تقرير البيان بيان الوكالة وكالة \
        المحكمة محكمة النيابة الادعاء المحامي محامي الشركة شركة \
        المحللون محللون المحللين محللين الخبراء خبراء الخبير خبير الباحثون باحثون \
        الدراسة دراسة الاستطلاع استطلاع البيانات الشهود شهود السكان سكان المراسل مراسل",
        ),
        (
            WordClass::FirstSingular,
            "\
        أنا وأنا إني إنني أنني أني لي لدي عندي عني معي \
        رأيي برأيي بنظري باعتقادي \
        أعتقد أظن أرى أشعر أعرف أتمنى أريد أقول أتوقع أشك يؤسفني",
        ),
        (
            WordClass::FirstPlural,
            "\
        نحن ونحن إننا أننا لنا لدينا عندنا علينا بنا منا معنا عنا أنفسنا \
        نرى نعتقد نظن نريد نحتاج نأمل نتمنى نقول دعونا يمكننا يؤسفنا \
        بلادنا بلدنا وطننا مجتمعنا شعبنا أمتنا",
        ),
        (
            WordClass::Second,
            "\
        أنت وأنت أنتم وأنتم أنتما أنتن لك لكم عليك عليكم بك بكم منك منكم \
        معك معكم إليك إليكم إنك إنكم أنك أنكم نفسك أنفسكم",
        ),
        (
            WordClass::Modal,
            "\
        يجب ويجب ينبغي وينبغي يتعين يتوجب يلزم يجدر يفترض المفترض الضروري لابد بد \
        يمكن ويمكن يمكنه يمكنها يمكنهم يمكننا بإمكان بوسع يستطيع تستطيع \
        قد سوف سيكون ستكون لو لكان لكانت",
        ),
        (
            WordClass::Hedge,
            "\
        ربما وربما لربما لعل ولعل يبدو ويبدو تبدو وتبدو بدا الأرجح المرجح يرجح \
        المحتمل محتمل يحتمل احتمال المتوقع يتوقع أعتقد نعتقد أظن نظن يعتقد ويعتقد \
        ظاهريا كأن وكأن نوعا غالبا أشك يخيل",
        ),
        (
            WordClass::Intensifier,
            "\
        جدا للغاية تماما حقا فعلا بالفعل كثيرا بكثير بشدة شديد شديدة بالغ بالغة \
        كليا إطلاقا مطلقا قطعا بالكامل جذريا هائل هائلة مجرد",
        ),
        (
            WordClass::Stance,
            "\
        للأسف وللأسف الأسف لسوء ولسوء لحسن ولحسن مؤسف المؤسف يؤسفني يؤسفنا \
        بالتأكيد وبالتأكيد طبعا وطبعا بالطبع وبالطبع حتما المؤكد الواضح بوضوح \
        بصراحة صراحة بصدق للأمانة الحقيقة والحقيقة الغريب والغريب المستغرب \
        المفارقة والمفارقة",
        ),
        (
            WordClass::Superlative,
            "\
        أفضل الأفضل أحسن الأحسن أسوأ الأسوأ أكبر الأكبر أعظم الأعظم أهم الأهم \
        أخطر الأخطر أقوى الأقوى أضعف أجمل الأجمل أروع أبرز الأبرز أشد أفشل أكثر أقل",
        ),
        (
            WordClass::Negation,
            "\
        لا ولا فلا لم ولم لن ولن ليس وليس ليست وليست ليسوا لست ما غير بدون دون بلا \
        أبدا عدم كلا",
        ),
        (
            WordClass::Date,
            "\
        يناير فبراير مارس أبريل إبريل مايو يونيو يوليو أغسطس سبتمبر أكتوبر نوفمبر ديسمبر \
        كانون شباط آذار نيسان أيار حزيران تموز آب أيلول تشرين \
        جانفي فيفري أفريل جوان جويلية أوت \
        الأحد الاثنين الإثنين الثلاثاء الأربعاء الخميس الجمعة السبت \
        أمس وأمس الأمس اليوم غدا الأسبوع أسبوع أسابيع الشهر شهر أشهر العام عام \
        السنة سنة الماضي المقبل القادم الجاري صباح مساء",
        ),
        (
            WordClass::Money,
            "\
        بالمئة بالمائة المئة المائة بنسبة نسبة \
        دولار دولارا دولارات الدولار الدولارات يورو اليورو \
        مليون مليونا ملايين مليار مليارا مليارات تريليون \
        جنيه جنيها جنيهات الجنيه ريال ريالا ريالات الريال درهم درهما دراهم الدرهم \
        دينار دينارا دنانير الدينار ليرة الليرة",
        ),
        (
            WordClass::Past,
            "\
        كان وكان فكان كانت وكانت كانوا وكانوا كنا كنت \
        أصبح وأصبح أصبحت وأصبحت باتت ظلت",
        ),
        // No present copula in Arabic: the nearest equivalents only (see the header).
        (WordClass::Be, "يكون ويكون تكون وتكون يكونون هناك وهناك ثمة"),
        (
            WordClass::Contrast,
            "\
        لكن ولكن لكنه لكنها لكنهم ولكنه ولكنها غير بينما وبينما رغم ورغم برغم \
        بالرغم وبالرغم الرغم إلا بيد بل إنما وإنما المقابل",
        ),
    ],
    // "According to", "citing": the preposition ل/عن follows (وفقا للبيان، نقلا عن).
    own_view: &[],
    according_to: &[
        "وفقا",
        "ووفقا",
        "طبقا",
        "وطبقا",
        "حسب",
        "بحسب",
        "وبحسب",
        "وحسب",
        "نقلا عن",
        "ونقلا عن",
    ],
    // The Arabic past has no suffix of its own (see the header).
    past_suffixes: &[],
    // Adverbs end in the accusative ـا like countless other words (see the header).
    adverb_suffixes: &[],
    subjectivity_xml: None,
    valence_tsv: Some(include_str!("../../data/lexicons/valence-ar.tsv")),
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_duplicates_within_a_class() {
        for (class, words) in CUES.words {
            let mut seen = std::collections::HashSet::new();
            for w in words.split_whitespace() {
                assert!(seen.insert(w), "{class:?}: {w} twice");
            }
        }
        let mut starters = std::collections::HashSet::new();
        for s in SEGMENTATION.starters {
            assert!(starters.insert(s), "starter {s} twice");
        }
    }

    #[test]
    fn no_diacritics_or_tatweel() {
        let texts = CUES
            .words
            .iter()
            .map(|(_, w)| *w)
            .chain(SEGMENTATION.starters.iter().copied())
            .chain(CUES.valence_tsv);
        for t in texts {
            for c in t.chars() {
                assert!(
                    !('\u{064B}'..='\u{065F}').contains(&c) && c != '\u{0640}',
                    "{t}"
                );
            }
        }
    }
}

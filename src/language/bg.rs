//! Bulgarian.
//!
//! Segmentation rules for Bulgarian news (titles, address and legal abbreviations,
//! `млн.`/`лв.`/`г.`, common sentence openers, the quotation marks `„…“`, `«…»`, `“…”`),
//! a light suffix-stripping stemmer (rust-stemmers has no Bulgarian), and cue word
//! lists and a valence lexicon (`data/lexicons/valence-bg.tsv`) written for factop,
//! under the project's own licence (MIT OR Apache-2.0).
//!
//! # Stemmer
//!
//! The stemmer strips the longest listed suffix that leaves at least three letters,
//! once. The list favours precision over coverage: a suffix is listed only where
//! stripping it maps the common forms of a word onto one stem and rarely cuts into
//! the root of another word. It holds
//! - the endings of nouns and adjectives: `а я о е и й`; the definite articles
//!   `ът ят`; articles fused with the ending: `ата ята ото ето ите`; masculine
//!   plurals `ове еве` and their definite forms `овете евете`. So `град града градът
//!   градове градовете`, `жена жената жени жените`, `правителство правителството
//!   правителства`, `случай случая случаите` each share a stem.
//! - the `-ия`/`-ие` family, listed whole so that nouns in `-ия`/`-ие` and
//!   adjectives with the article `-ия(т)` conflate: `ия ият ии ие ията иите ието`
//!   (`партия партии партията партиите` → `парт`, `решение решения решението` →
//!   `решен`, `новия новият нови нова` → `нов`, `българския българска` → `българск`).
//! - of the verb endings only those that fall out of the list above: `-а -я -и -е -ят`
//!   (`говоря говори говорят` → `говор`). Past participles keep their `-л`
//!   (`казал казала казали` → `казал`), which also keeps the many nouns in `-ал`,
//!   `-ил`, `-ел` whole (`скандал скандала скандалите` → `скандал`).
//!
//! Left out on purpose, because each one merges or splits common words:
//! - bare `та`, `то`, `те`: they would cut `президента` to `президен` and `работа`
//!   to `рабо`; the cost is that `властта`, `сигурността` keep a stem of their own.
//! - `ета`, `етата`: they would cut `бюджета`, `кабинета`, `съвета` to `бюдж`,
//!   `кабин`, `съв` (the short article of nouns in `-ет`).
//! - `ат`, `ам`, `ем`, `им`, `аме`, `ате`, `ете`: verb endings that cut nouns in
//!   `-ат`, `-ам`, `-ем`, `-им` (`кандидат`, `проблем`, `режим`).
//! - `ал ала али ил ила или ел ела ели ах аха`: participle and aorist endings that
//!   would split `скандал`/`скандалът`, `страх`/`страхът`.
//! - `ва`, `ват`: imperfective verbs, but they cut `държава` to `държа`.
//! - `ен`: masculine adjectives (`ужасен` beside `ужасна`) and participles; listed,
//!   it would split `направен`/`направена` and cut nouns (`феномен`). The valence
//!   file lists such adjectives in both forms instead.
//! - `ища`, `ищата`: `училище училища` already share `училищ` through `е` and `а`.
//!
//! Known collisions kept: `защо`/`защото` → `защ`, `само`/`сам` → `сам`, and the
//! short article of nouns in `-ат` (`кандидата` → `кандид`).
//!
//! # Segmentation
//!
//! `never_end` holds titles, address and legal abbreviations that a name or a number
//! always follows (`проф.`, `ул.`, `чл.`, `ал.`, `т.е.`); the single letters `т`
//! (точка, `т. 3`), `с` (село), `в` (вестник) and `р` (река) never end a sentence:
//! `т` and `р` are no Bulgarian words, `с` and `в` are prepositions that cannot close
//! one. `may_end` holds abbreviations that often close a sentence (`млн.`, `лв.`,
//! `и др.`, `и т.н.`, `т.г.`). `г.` (година, after a year; also господин) is listed
//! there too, but the segmenter treats single lowercase letters outside `never_end`
//! as plain words, so `г.` ends a sentence before any capital: most often right, since
//! news writes `през 2023 г.` at a sentence's end and `г-н` for господин. Ordinals
//! are written `3-ти`, `5 март`, so `ordinals` is off.
//!
//! # Cues
//!
//! Reporting holds the verbs of Bulgarian news attribution in the 3rd person present,
//! aorist and the `-л` participle (which is also the renarrative, reported form),
//! with the renarrative auxiliary `бил била било били`; `според` and `съгласно`
//! are the attribution words (`по думите на` would need `по`, far too common, as a
//! Reporting word). The past suffixes are participle and aorist endings (`-ал`,
//! `-ил`, `-иха`...), accepted with some noise from nouns in `-ал` (`скандал`);
//! `-ели`, `-ало`, `-ило` are left out for `модели`, `начало`, `правило`. Adverbs
//! are neuter adjectives; `но` and `ко` (`очевидно`, `жалко`) end most evaluative
//! ones, and the opening-adverb cue also needs a valence entry, so nouns in `-но`
//! do not fire it. The `най-` of superlatives is its own token, `най`, the one
//! Superlative word (comparatives `по-добър` split into the too common `по`). The
//! person classes leave out `те` (they, far more often than the clitic you) and `си`
//! (mostly reflexive). Inflection makes the Reporting and Speaker lists longer than
//! English ones: each verb in present, aorist and participle, each noun with its
//! articles.
//!
//! # Valence
//!
//! `valence-bg.tsv` holds about 400 evaluative words of commentary on VADER's scale
//! (-4..4): judgements (`скандален`, `позор`, `абсурдно`, `чудесен`), emotions and
//! their nouns, and a few frequent news words VADER also scores (`криза`, `проблем`).
//! Purely factual event words (`убийство`, `война`) are left out. The lexicon is matched
//! by stem, so an adjective whose masculine drops a vowel is listed in two forms
//! (`ужасен` and `ужасно`, which stands for `ужасна ужасни ужасната`...); words whose
//! stem would catch an unrelated word are left out (`чест`, caught by `често`;
//! `простотия`, by `простота`; `умен`, by `умения`).

use super::{CueLexicon, Profile, SegmentRules, StemRule, WordClass};

/// The Bulgarian profile.
pub(super) const PROFILE: Profile = Profile {
    code: "bg",
    name: "Bulgarian",
    about: "Bulgarian (suffix stripping: rust-stemmers has no Bulgarian)",
    detected_as: Some(whatlang::Lang::Bul),
    right_to_left: false,
    stemmer: StemRule::Suffixes {
        suffixes: &[
            // Noun, adjective and verb endings.
            "а",
            "я",
            "о",
            "е",
            "и",
            "й",
            // Definite articles, alone and fused with the ending.
            "ът",
            "ят",
            "ата",
            "ята",
            "ото",
            "ето",
            "ите",
            // The -ия / -ие family (nouns in -ия, -ие; adjectives with -ия(т)).
            "ия",
            "ият",
            "ии",
            "ие",
            "ията",
            "иите",
            "ието",
            // Masculine plurals and their definite forms.
            "ове",
            "еве",
            "овете",
            "евете",
        ],
        min_stem: 3,
    },
    segmentation: &SEGMENTATION,
    cues: Some(&CUES),
};

/// Abbreviations and sentence openers of Bulgarian news text.
const SEGMENTATION: SegmentRules = SegmentRules {
    // Titles, address, legal and other abbreviations that a name or number follows.
    never_end: &[
        "т",
        "с",
        "в",
        "р",
        "гр",
        "ул",
        "бул",
        "пл",
        "кв",
        "ж.к",
        "бл",
        "вх",
        "ет",
        "ап",
        "обл",
        "проф",
        "доц",
        "акад",
        "инж",
        "арх",
        "адв",
        "ген",
        "полк",
        "подп",
        "лейт",
        "кап",
        "зам",
        "св",
        "чл",
        "ал",
        "гл",
        "сп",
        "т.е",
        "т.к",
        "т.нар",
        "нар",
        "напр",
        "вкл",
        "прибл",
        "тел",
        "бел",
        "англ",
        "лат",
    ],
    // End a sentence only before a common opener.
    may_end: &[
        "г",
        "год",
        "др",
        "млн",
        "млрд",
        "хил",
        "лв",
        "стр",
        "вж",
        "бр",
        "ст",
        "т.н",
        "т.г",
        "м.г",
        "н.е",
        "пр.н.е",
        "пр.хр",
        "сл.хр",
        "мин",
        "сек",
        "изд",
        "общ",
    ],
    // Words that commonly open a sentence and rarely follow an abbreviation inside one.
    starters: &[
        "Той",
        "Тя",
        "Те",
        "То",
        "Това",
        "Тази",
        "Този",
        "Тези",
        "Там",
        "Тук",
        "Тогава",
        "Така",
        "Затова",
        "В",
        "Във",
        "На",
        "Но",
        "А",
        "И",
        "Или",
        "С",
        "Със",
        "Според",
        "След",
        "Преди",
        "През",
        "При",
        "По",
        "От",
        "За",
        "До",
        "Над",
        "Под",
        "Около",
        "Сред",
        "Срещу",
        "Заради",
        "Поради",
        "Също",
        "Освен",
        "Ако",
        "Когато",
        "Докато",
        "Макар",
        "Въпреки",
        "Обаче",
        "Все",
        "Още",
        "Вече",
        "Сега",
        "Днес",
        "Вчера",
        "Утре",
        "Първо",
        "Например",
        "Всъщност",
        "Не",
        "Няма",
        "Има",
        "Нека",
        "Аз",
        "Ние",
        "Вие",
        "Кой",
        "Какво",
        "Защо",
        "Как",
        "Къде",
        "Кога",
        "Дали",
        "Всички",
        "Всеки",
        "Много",
        "Някои",
        "Повечето",
        "Само",
        "Министърът",
        "Президентът",
        "Премиерът",
        "Полицията",
    ],
    ordinals: false,
    quotes: &[
        ('\u{201E}', '\u{201C}'),
        ('\u{00AB}', '\u{00BB}'),
        ('\u{201C}', '\u{201D}'),
    ],
};

const CUES: CueLexicon = CueLexicon {
    words: &[
    (WordClass::Reporting, "каза казаха казва казват казал казала казало казали казано заяви заявиха заявява заявяват заявил заявила заявили съобщи съобщиха съобщава съобщават съобщил съобщила съобщили посочи посочиха посочва посочват посочил посочила посочили обясни обясниха обяснява обясняват обяснил обяснила обяснили добави добавиха добавя добавят добавил добавила добавили подчерта подчертаха подчертава подчертават подчертал подчертала подчертали коментира коментираха коментирал коментирала коментирали допълни допълниха допълва допълнил допълнила допълнили уточни уточниха уточнява уточнил уточнила уточнили информира информираха информирал информирала информирали потвърди потвърдиха потвърждава потвърдил потвърдила потвърдили отрече отрекоха отрича отричат отрекъл отрекла отрекли призна признаха признава признал признала признали твърди твърдят твърдеше твърдял твърдяла твърдели отбеляза отбелязаха отбелязва отбелязал отбелязала отбелязали написа написаха пише пишат написал написала сподели споделиха споделя споделят споделил споделила предупреди предупредиха предупреждава предупредил предупредила обяви обявиха обявява обявил обявила обявили попита попитаха пита отговори отговориха отговаря отговорил отговорила разказа разказаха разказва разказал разказала припомни припомниха настоя настояха настоява настоял настояла призова призоваха призовава призовал призовала изтъкна изтъкнаха увери увериха уверява изрази изразиха декларира цитира цитиран цитирана цитирани бил била било били според съгласно"),
    (WordClass::Speaker, "той тя те то него нея тях говорител говорителят говорителя говорителката представител представителят представителя представители представителите полиция полицията полицаи полицаите министерство министерството министерствата министър министърът министъра министри министрите председател председателят председателя премиер премиерът премиера президент президентът президента правителство правителството кабинет кабинетът кабинета прокуратура прокуратурата прокурор прокурорът прокурора прокурори прокурорите съд съдът съда съдия съдията агенция агенцията ведомство ведомството институция институцията институциите експерт експертът експерти експертите анализатор анализатори анализаторите източник източници източниците служители служителите власти властите компания компанията изявление изявлението съобщение съобщението доклад докладът доклада проучване проучването изследване изследването данни данните адвокат адвокатът адвоката адвокати адвокатите свидетел свидетели свидетелите очевидци жители жителите кмет кметът кмета депутат депутати депутатите партия партията учени специалисти лекари пресслужба пресслужбата мвр нси бта който която което които"),
    (WordClass::FirstSingular, "аз мен мене ме ми мой моя мое мои моят съм"),
    (WordClass::FirstPlural, "ние нас ни наш наша наше наши нашият нашия нашата нашето нашите сме нека"),
    (WordClass::Second, "ти теб тебе ви вас вие твой твоя твое твои твоят ваш ваша ваше ваши вашият вашия вашата вашето вашите сте"),
    (WordClass::Modal, "трябва трябваше трябвало трябвали може можеше можело могат можем мога можете могъл могла могли би биха бих бихме бихте следва бива длъжен длъжна длъжни"),
    (WordClass::Hedge, "вероятно навярно евентуално възможно маловероятно изглежда изглеждат сякаш уж предполагам предполага предполагат предполагаемо смятам мисля вярвам считам допускам съмнявам донякъде отчасти привидно явно сигурно надали"),
    (WordClass::Intensifier, "много изключително крайно особено съвсем напълно абсолютно изцяло страшно невероятно безкрайно дълбоко силно твърде прекалено толкова толкоз чак дори доста просто наистина тотално направо съвършено пределно адски изобщо"),
    (WordClass::Stance, "съжаление жалост уви очевидно естествено всъщност действително несъмнено безспорно безусловно категорично честно откровено иронично парадоксално жалко разбираемо логично изненадващо странно определено неизбежно видимо дано надявам надяваме"),
    (WordClass::Superlative, "най"),
    (WordClass::Negation, "не няма нямат нямаше нямало нямам нямаме нито никой никоя никое никои никого нищо никога никъде никак никакъв никаква никакво никакви без"),
    (WordClass::Date, "януари февруари март април май юни юли август септември октомври ноември декември понеделник вторник сряда четвъртък петък събота неделя вчера днес утре снощи сутринта вечерта г год година годината години месец месеца месеци седмица седмицата седмици ден деня дни"),
    (WordClass::Money, "процент процента процентът процентите лв лев лева евро цент цента стотинки долар долара долари млн млрд милион милиона милиони милиард милиарда милиарди трилион трилиона хил хиляда хиляди бгн usd eur"),
    (WordClass::Past, "беше бе бяха бях бяхме бил била било били имаше имаха имал имала имали"),
    (WordClass::Be, "е са съм сме сте"),
    (WordClass::Contrast, "но обаче въпреки макар вместо напротив пък ала ама иначе независимо същевременно докато"),
    ],
    according_to: &["според", "съгласно"],
    own_view: &["според мен", "според мене", "според нас", "съгласно мен"],
    past_suffixes: &[
        "ал", "ял", "ил", "ъл", "ала", "яла", "ила", "али", "яли", "или", "аха", "яха", "иха",
        "оха",
    ],
    adverb_suffixes: &["но", "ко"],
    subjectivity_xml: None,
    valence_tsv: Some(include_str!("../../data/lexicons/valence-bg.tsv")),
};

//! Italian: segmentation rules, the Snowball Italian stemmer, and cue word lists for
//! Italian news reporting and commentary.
//!
//! The word lists and the valence list (`data/lexicons/valence-it.tsv`, one
//! `word<TAB>valence` a line on the VADER scale -4..4) were written for factop and are
//! under the project's own licence, MIT OR Apache-2.0. Choices made:
//!
//! - Segmentation: titles and reference abbreviations (`sig.`, `dott.ssa`, `on.`,
//!   `art.`, `n.`, `p.es.`) never end a sentence; month and weekday abbreviations and
//!   `ecc.`/`etc.` end one only before a common opener. `gen.` is listed among the titles
//!   only (generale), not among the months (gennaio). Italian writes ordinals as `3°`
//!   or in words, so a period after a number is not an ordinal. Openers include the
//!   elided article and prepositions as the segmenter reads them (`L'`, `Nell'` are the
//!   words `L`, `Nell`). Quotation marks: guillemets and curly double quotes.
//! - Reporting: Italian news reports speech mostly in the compound past, "ha detto",
//!   two tokens, so the list holds the participles (`detto`, `dichiarato`...) beside the
//!   present (`dice`, `afferma`...), the simple past (`disse`), gerunds (`spiegando`)
//!   and the attribution markers `secondo` and `stando` (`stando a/al/ai...`).
//! - Elisions stay one token (`c'è`, `l'anno`, `c'era`), so the lists carry them
//!   whole where they matter. Italian drops subject pronouns, so the person classes
//!   also hold unambiguous verb forms (`ho`, `abbiamo`, `siete`); ambiguous clitics
//!   (`ci`, `vi`, which also mean "there") and `sono` (I am / they are) are left out.
//! - Past: imperfect and simple-past forms of essere/avere and irregular participles
//!   the suffixes miss (`fatto`, `preso`, `morto`); regular participles are caught by
//!   the past suffixes. The auxiliaries `ha`/`hanno` are left out: the participle that
//!   follows them already counts, and they also mean plain possession.
//! - Valence: judgement words of commentary, one word per Snowball stem (the lexicon
//!   is matched by stem, so `vergogna` also covers `vergognoso`, `vergognosa`...; where
//!   two lemmas share a stem the value is their mean). Words whose stem collides with
//!   common neutral words are left out: `folle` (`folla`), `danno` ("they give"),
//!   `colpa` (`colpo`), `amaro` (`amare`), `successo` ("happened"), `utile` (`utili`,
//!   profits), `fiducia` (the confidence vote), `rispettoso` (`rispetto a`),
//!   `interessante` (`interessi`), `intelligente` (`intelligenza artificiale`),
//!   `affidabile` (`affidare`), `generoso` (`generare`), `fallimento` (`fallo`),
//!   `sensato` (`senso`), `spettacolare` (`spettacolo`), `fiero` (`fiera`). Words that
//!   news also uses for plain events (`grave`, `crisi`, `minaccia`) stay below the
//!   strong-word mark of 1.5.

use super::{CueLexicon, Profile, SegmentRules, StemRule, WordClass};
use rust_stemmers::Algorithm;

/// The Italian profile.
pub(super) const PROFILE: Profile = Profile {
    code: "it",
    name: "Italian",
    about: "Italian (Snowball \"italian\")",
    detected_as: Some(whatlang::Lang::Ita),
    right_to_left: false,
    stemmer: StemRule::Snowball(Algorithm::Italian),
    segmentation: &SEGMENTATION,
    cues: Some(&CUES),
};

/// Abbreviations and sentence openers of Italian news text.
const SEGMENTATION: SegmentRules = SegmentRules {
    // Titles and reference abbreviations: never end a sentence.
    never_end: &[
        "sig", "sigg", "sig.ra", "sig.na", "dott", "dott.ssa", "dr", "prof", "prof.ssa", "avv",
        "ing", "on", "geom", "arch", "rag", "mons", "gen", "col", "cap", "ten", "magg", "sen",
        "cav", "comm", "egr", "gent", "spett", "pres", "segr", "pag", "pagg", "art", "artt", "n",
        "nn", "p.es", "es", "cfr", "vs", "fig", "tel", "sez", "lett", "v",
    ],
    // Months, weekdays and "and so on": end a sentence only before a common opener.
    may_end: &[
        "ecc", "etc", "feb", "febb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "sett",
        "ott", "nov", "dic", "lun", "mer", "gio", "ven", "sab", "dom", "sec", "ca",
    ],
    // Words that commonly open a sentence and rarely follow an abbreviation inside one.
    starters: &[
        "Il", "La", "Lo", "L", "Gli", "Le", "I", "Un", "Una", "Uno", "In", "Per", "Ma", "E", "Ed",
        "A", "Anche", "Secondo", "Nel", "Nella", "Nei", "Nelle", "Nell", "Dal", "Dalla", "Del",
        "Della", "Dell", "Sul", "Sulla", "Al", "Alla", "All", "Con", "Tra", "Non", "Si", "Se",
        "Questo", "Questa", "Questi", "Queste", "Quest", "Quello", "Quella", "Dopo", "Prima",
        "Oggi", "Ieri", "Domani", "Ora", "Intanto", "Inoltre", "Tuttavia", "Però", "Quindi",
        "Così", "Poi", "Infatti", "Mentre", "Quando", "Come", "Che", "Chi", "Cosa", "Perché",
        "Dove", "È", "Lui", "Lei", "Loro", "Noi", "Io", "Tutti", "Ogni", "Invece", "Durante",
    ],
    ordinals: false,
    quotes: &[('\u{00AB}', '\u{00BB}'), ('\u{201C}', '\u{201D}')],
};

const CUES: CueLexicon = CueLexicon {
    words: &[
    (WordClass::Reporting, "detto dichiarato affermato spiegato sottolineato annunciato riferito aggiunto precisato ribadito confermato smentito ammesso raccontato osservato denunciato avvertito sostenuto rivelato replicato commentato scritto ricordato chiesto negato assicurato evidenziato dice dicono afferma affermano spiega spiegano sottolinea sottolineano annuncia annunciano riferisce riferiscono aggiunge aggiungono precisa precisano ribadisce ribadiscono dichiara dichiarano conferma confermano racconta raccontano osserva osservano sostiene sostengono rivela rivelano replica scrive scrivono ricorda chiede nega assicura ammette smentisce denuncia avverte disse dissero dichiarò affermò spiegò aggiunse dicendo affermando spiegando sottolineando secondo stando"),
    (WordClass::Speaker, "lui lei loro egli ella essi esse funzionario funzionari portavoce polizia carabinieri questura prefettura ministero ministro ministra governo presidente premier procura procuratore pm inquirenti investigatori magistrati giudice giudici tribunale avvocato avvocati legale fonti fonte analisti analista esperti esperto ricercatori autorità azienda società sindaco sindacato sindacati testimoni residenti abitanti studio sondaggio rapporto dati comunicato nota agenzia assessore consigliere deputato deputati senatore senatori segretario leader opposizione maggioranza medici"),
    (WordClass::FirstSingular, "io me mi mio mia miei mie ho credo penso ritengo devo posso voglio vorrei dovrei potrei"),
    (WordClass::FirstPlural, "noi nostro nostra nostri nostre abbiamo siamo dobbiamo possiamo vogliamo vorremmo dovremmo potremmo"),
    (WordClass::Second, "tu te ti tuo tua tuoi tue voi vostro vostra vostri vostre hai avete siete puoi potete devi dovete"),
    (WordClass::Modal, "deve devono dovrebbe dovrebbero dovrà dovranno doveva dovevano può possono potrebbe potrebbero potrà potranno poteva potevano vuole vogliono vorrebbe vorrebbero bisogna bisognerebbe occorre occorrerebbe devo dobbiamo posso possiamo voglio vogliamo vorrei vorremmo dovrei dovremmo potrei potremmo"),
    (WordClass::Hedge, "forse probabilmente probabile improbabile sembra sembrano sembrerebbe sembrava pare parrebbe apparentemente presumibilmente magari eventualmente possibile possibilmente plausibile verosimilmente verosimile credo penso ritengo suppongo immagino dubito temo"),
    (WordClass::Intensifier, "molto moltissimo davvero veramente estremamente così tanto troppo totalmente assolutamente completamente profondamente altamente incredibilmente particolarmente proprio persino perfino addirittura piuttosto alquanto parecchio decisamente enormemente terribilmente straordinariamente interamente ben assai tantissimo"),
    (WordClass::Stance, "purtroppo fortunatamente sfortunatamente chiaramente ovviamente evidentemente sicuramente certamente francamente onestamente sinceramente ironicamente indubbiamente naturalmente giustamente paradossalmente finalmente ahimè senz'altro"),
    (WordClass::Superlative, "migliore migliori peggiore peggiori meglio peggio ottimo ottima ottimi ottime pessimo pessima pessimi pessime grandissimo grandissima bellissimo bellissima gravissimo gravissima importantissimo importantissima"),
    (WordClass::Negation, "non no né mai nessuno nessuna nessun niente nulla neanche nemmeno neppure senza mica affatto"),
    (WordClass::Date, "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre lunedì martedì mercoledì giovedì venerdì sabato domenica ieri oggi domani stamattina stamani stasera stanotte settimana settimane mese mesi anno anni giorno giorni l'anno quest'anno"),
    (WordClass::Money, "percento cento percentuale milione milioni miliardo miliardi mila mln mld euro dollari dollaro sterline sterlina franchi yen"),
    (WordClass::Past, "era erano ero eravamo fu furono fui aveva avevano ebbe ebbero c'era c'erano fatto fatta fatti preso presa messo messa visto vista chiuso aperto perso vinto ucciso uccisa uccisi deciso morto morta morti nato nata rimasto successo"),
    (WordClass::Be, "è sono c'è com'è cos'è dov'è"),
    (WordClass::Contrast, "ma però tuttavia eppure invece comunque sebbene benché nonostante malgrado mentre anzi ciononostante nondimeno bensì seppure"),
    ],
    according_to: &["secondo", "stando a", "stando al", "stando ai", "stando alla", "stando alle", "stando allo", "stando agli"],
    own_view: &["secondo me", "secondo noi", "stando a me", "stando a noi"],
    past_suffixes: &["ato", "ata", "ati", "ate", "ito", "ita", "iti", "uto", "uta"],
    adverb_suffixes: &["mente"],
    subjectivity_xml: None,
    valence_tsv: Some(include_str!("../../data/lexicons/valence-it.tsv")),
};

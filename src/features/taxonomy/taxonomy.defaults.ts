import type { TermKind } from './term-kinds';

/** A default term: slug, label, and for needs the categories (and provider types) that address it. */
export type DefaultTerm = {
  slug: string;
  label: string;
  synonyms?: string[];
  categories?: string[];
  providerTypes?: string[];
  description?: string;
};

const CATEGORIES: DefaultTerm[] = [
  { slug: 'leadership-and-management', label: 'Leadership and management', synonyms: ['leadership', 'headship', 'slt', 'senior leadership', 'school leadership'] },
  { slug: 'teaching-and-learning', label: 'Teaching and learning', synonyms: ['pedagogy', 'teaching quality', 'classroom practice', 'instruction'] },
  { slug: 'curriculum-and-subject-leadership', label: 'Curriculum and subject leadership', synonyms: ['curriculum', 'subject leader', 'middle leadership', 'curriculum design'] },
  { slug: 'assessment-tracking-and-data', label: 'Assessment, tracking and data', synonyms: ['assessment', 'data', 'tracking', 'moderation', 'progress'] },
  { slug: 'english-and-literacy', label: 'English and literacy', synonyms: ['english', 'literacy', 'reading', 'writing', 'phonics', 'spelling', 'oracy'] },
  { slug: 'mathematics-and-numeracy', label: 'Mathematics and numeracy', synonyms: ['maths', 'math', 'mathematics', 'numeracy', 'arithmetic', 'mastery'] },
  { slug: 'send-and-inclusion', label: 'SEND and inclusion', synonyms: ['send', 'sen', 'senco', 'special educational needs', 'inclusion', 'disability', 'autism', 'asd'] },
  { slug: 'behaviour-and-attendance', label: 'Behaviour and attendance', synonyms: ['behaviour', 'behavior', 'attendance', 'absence', 'exclusions'] },
  { slug: 'early-years', label: 'Early years (EYFS)', synonyms: ['eyfs', 'early years', 'nursery', 'reception', 'foundation stage'] },
  { slug: 'governance', label: 'Governance', synonyms: ['governors', 'governing body', 'trustees', 'clerking'] },
  { slug: 'safeguarding', label: 'Safeguarding', synonyms: ['child protection', 'dsl', 'keeping children safe'] },
  { slug: 'wellbeing-and-pastoral', label: 'Wellbeing and pastoral', synonyms: ['wellbeing', 'well-being', 'pastoral', 'mental health', 'every child matters', 'ecm', 'pshe'] },
  { slug: 'post-16', label: 'Post-16', synonyms: ['sixth form', 'post 16', 'a level', 'key stage 5', 'ks5'] },
  { slug: 'business-hr-and-finance', label: 'Business, HR and finance', synonyms: ['finance', 'budget', 'hr', 'human resources', 'school business management'] },
  { slug: 'partnerships-and-structures', label: 'Partnerships and structures', synonyms: ['federation', 'trust', 'academy conversion', 'collaboration', 'mat', 'partnership'] },
];

const PHASES: DefaultTerm[] = [
  { slug: 'eyfs', label: 'Early years (EYFS)', synonyms: ['early years', 'nursery', 'reception'] },
  { slug: 'primary', label: 'Primary', synonyms: ['ks1', 'ks2', 'key stage 1', 'key stage 2', 'infant', 'junior'] },
  { slug: 'secondary', label: 'Secondary', synonyms: ['ks3', 'ks4', 'key stage 3', 'key stage 4', 'gcse'] },
  { slug: 'special', label: 'Special', synonyms: ['special school', 'ap', 'alternative provision', 'pru'] },
  { slug: 'post-16', label: 'Post-16', synonyms: ['sixth form', 'ks5'] },
  { slug: 'all-through', label: 'All-through', synonyms: ['through school'] },
];

const SUBJECTS: DefaultTerm[] = [
  { slug: 'english', label: 'English', synonyms: ['literacy', 'reading', 'writing'] },
  { slug: 'phonics', label: 'Phonics and early reading', synonyms: ['synthetic phonics', 'early reading'] },
  { slug: 'mathematics', label: 'Mathematics', synonyms: ['maths', 'math', 'numeracy'] },
  { slug: 'science', label: 'Science', synonyms: ['biology', 'chemistry', 'physics'] },
  { slug: 'computing', label: 'Computing and ICT', synonyms: ['ict', 'computer science', 'digital'] },
  { slug: 'history', label: 'History' },
  { slug: 'geography', label: 'Geography' },
  { slug: 'modern-languages', label: 'Modern foreign languages', synonyms: ['mfl', 'french', 'spanish', 'german', 'languages'] },
  { slug: 'art-and-design', label: 'Art and design', synonyms: ['art'] },
  { slug: 'design-and-technology', label: 'Design and technology', synonyms: ['d&t', 'dt', 'technology'] },
  { slug: 'music', label: 'Music' },
  { slug: 'physical-education', label: 'Physical education', synonyms: ['pe', 'sport'] },
  { slug: 'religious-education', label: 'Religious education', synonyms: ['re', 'rs', 'religious studies'] },
  { slug: 'pshe', label: 'PSHE and RSE', synonyms: ['rse', 'relationships and sex education', 'citizenship'] },
  { slug: 'drama', label: 'Drama' },
  { slug: 'eal', label: 'English as an additional language', synonyms: ['eal', 'emas', 'ethnic minority achievement'] },
];

const CONTEXTS: DefaultTerm[] = [
  { slug: 'rural', label: 'Rural' },
  { slug: 'urban', label: 'Urban' },
  { slug: 'inner-city-multicultural', label: 'Inner-city, multicultural', synonyms: ['inner city', 'multicultural', 'diverse'] },
  { slug: 'coastal', label: 'Coastal' },
  { slug: 'high-eal', label: 'High proportion of EAL pupils', synonyms: ['eal', 'english as an additional language'] },
  { slug: 'high-pupil-premium', label: 'High proportion of disadvantaged pupils', synonyms: ['pupil premium', 'disadvantaged', 'fsm', 'free school meals', 'deprivation'] },
  { slug: 'small-school', label: 'Small school', synonyms: ['mixed-age classes', 'mixed age'] },
  { slug: 'large-school', label: 'Large school' },
  { slug: 'federation', label: 'Federation', synonyms: ['federated'] },
  { slug: 'multi-academy-trust', label: 'Multi-academy trust', synonyms: ['mat', 'academy trust', 'academy'] },
  { slug: 'faith-school', label: 'Faith school', synonyms: ['church school', 'voluntary aided', 'catholic', 'church of england'] },
  { slug: 'causing-concern', label: 'School causing concern', synonyms: ['special measures', 'serious weaknesses', 'requires improvement', 'inadequate', 'ri'] },
  { slug: 'new-headteacher', label: 'New or acting headteacher', synonyms: ['new head', 'acting head', 'interim head'] },
];

const OFFERS: DefaultTerm[] = [
  { slug: 'coaching', label: 'Coaching' },
  { slug: 'mentoring', label: 'Mentoring', synonyms: ['mentor'] },
  { slug: 'review', label: 'Review or audit', synonyms: ['audit', 'review', 'health check', 'deep dive'] },
  { slug: 'training', label: 'Training and CPD', synonyms: ['cpd', 'inset', 'professional development', 'workshop'] },
  { slug: 'interim-leadership', label: 'Interim leadership', synonyms: ['acting head', 'executive headship'] },
  { slug: 'modelling', label: 'Lesson modelling and team teaching', synonyms: ['team teaching', 'demonstration lessons'] },
  { slug: 'action-planning', label: 'Improvement and action planning', synonyms: ['sef', 'school improvement plan', 'sip plan'] },
  { slug: 'school-to-school-visits', label: 'Visits to see practice', synonyms: ['open classroom', 'visit'] },
];

/** Needs in a school's own words, each mapped to the categories that address it. */
const NEEDS: DefaultTerm[] = [
  { slug: 'ks2-maths-progress-below-national', label: 'KS2 maths progress is below national', synonyms: ['maths progress', 'key stage 2 maths', 'maths results', 'sats maths'], categories: ['mathematics-and-numeracy', 'assessment-tracking-and-data'] },
  { slug: 'ks4-maths-outcomes-low', label: 'GCSE maths outcomes are low', synonyms: ['gcse maths', 'key stage 4 maths'], categories: ['mathematics-and-numeracy', 'teaching-and-learning'] },
  { slug: 'phonics-outcomes-falling', label: 'Phonics outcomes are falling', synonyms: ['phonics screening check', 'early reading', 'year 1 phonics'], categories: ['english-and-literacy', 'early-years'] },
  { slug: 'reading-attainment-low', label: 'Reading attainment is low', synonyms: ['reading', 'comprehension', 'reading age'], categories: ['english-and-literacy'] },
  { slug: 'writing-attainment-low', label: 'Writing attainment is low', synonyms: ['writing', 'grammar', 'spag'], categories: ['english-and-literacy'] },
  { slug: 'new-headteacher-needs-mentoring', label: 'New headteacher needs mentoring', synonyms: ['new head', 'new head needs a mentor', 'head mentor', 'induction of headteacher'], categories: ['leadership-and-management'], providerTypes: ['professional_partner', 'lle', 'nle'] },
  { slug: 'leadership-capacity-weak', label: 'Leadership capacity is weak', synonyms: ['senior leadership', 'slt capacity', 'leadership'], categories: ['leadership-and-management'], providerTypes: ['nle', 'lle'] },
  { slug: 'middle-leaders-need-developing', label: 'Middle leaders need developing', synonyms: ['subject leaders', 'middle leadership'], categories: ['curriculum-and-subject-leadership', 'leadership-and-management'] },
  { slug: 'teaching-quality-inconsistent', label: 'Quality of teaching is inconsistent', synonyms: ['teaching', 'inconsistent teaching', 'requires improvement teaching'], categories: ['teaching-and-learning'], providerTypes: ['sle', 'ast', 'lead_professional'] },
  { slug: 'curriculum-needs-redesign', label: 'Curriculum needs redesigning', synonyms: ['curriculum intent', 'curriculum sequencing', 'deep dive'], categories: ['curriculum-and-subject-leadership'] },
  { slug: 'assessment-and-tracking-unreliable', label: 'Assessment and tracking are unreliable', synonyms: ['tracking', 'moderation', 'data'], categories: ['assessment-tracking-and-data'] },
  { slug: 'disadvantaged-pupils-gap', label: 'Disadvantaged pupils are falling behind', synonyms: ['pupil premium gap', 'disadvantage gap', 'closing the gap', 'fsm gap'], categories: ['teaching-and-learning', 'assessment-tracking-and-data', 'wellbeing-and-pastoral'] },
  { slug: 'send-provision-weak', label: 'SEND provision needs improving', synonyms: ['sen', 'send', 'senco support', 'inclusion', 'ehcp'], categories: ['send-and-inclusion'] },
  { slug: 'persistent-absence-rising', label: 'Persistent absence is rising', synonyms: ['attendance', 'absence', 'persistent absentees', 'truancy'], categories: ['behaviour-and-attendance', 'wellbeing-and-pastoral'] },
  { slug: 'behaviour-disrupting-learning', label: 'Behaviour is disrupting learning', synonyms: ['low-level disruption', 'behaviour management', 'exclusions rising'], categories: ['behaviour-and-attendance'] },
  { slug: 'eyfs-outcomes-low', label: 'Early years outcomes are low', synonyms: ['good level of development', 'gld', 'eyfs', 'reception outcomes'], categories: ['early-years'] },
  { slug: 'governance-needs-strengthening', label: 'Governance needs strengthening', synonyms: ['governors', 'governing body', 'challenge from governors'], categories: ['governance'] },
  { slug: 'safeguarding-concerns', label: 'Safeguarding arrangements need strengthening', synonyms: ['safeguarding', 'child protection', 'single central record'], categories: ['safeguarding'] },
  { slug: 'staff-wellbeing-low', label: 'Staff wellbeing and workload', synonyms: ['workload', 'staff morale', 'retention', 'wellbeing'], categories: ['wellbeing-and-pastoral', 'leadership-and-management'] },
  { slug: 'pupil-mental-health', label: 'Pupils’ mental health and wellbeing', synonyms: ['mental health', 'anxiety', 'pastoral care'], categories: ['wellbeing-and-pastoral'] },
  { slug: 'eal-pupils-need-support', label: 'Pupils with EAL need more support', synonyms: ['eal', 'new arrivals', 'english as an additional language'], categories: ['english-and-literacy', 'send-and-inclusion'] },
  { slug: 'sixth-form-outcomes-low', label: 'Sixth-form outcomes are low', synonyms: ['a level results', 'post 16', 'sixth form'], categories: ['post-16'] },
  { slug: 'budget-deficit', label: 'The budget is in deficit', synonyms: ['finance', 'deficit', 'budget', 'staffing structure'], categories: ['business-hr-and-finance'] },
  { slug: 'exploring-federation-or-trust', label: 'Exploring federation or joining a trust', synonyms: ['federation', 'academy conversion', 'joining a mat'], categories: ['partnerships-and-structures', 'governance'] },
  { slug: 'preparing-for-inspection', label: 'Preparing for inspection', synonyms: ['ofsted', 'inspection readiness', 'mock inspection', 'self-evaluation'], categories: ['leadership-and-management', 'assessment-tracking-and-data'] },
  { slug: 'science-outcomes-low', label: 'Science outcomes are low', synonyms: ['science'], categories: ['curriculum-and-subject-leadership', 'teaching-and-learning'] },
];

export const DEFAULT_TAXONOMY: Record<TermKind, DefaultTerm[]> = {
  category: CATEGORIES,
  need: NEEDS,
  phase: PHASES,
  subject: SUBJECTS,
  context: CONTEXTS,
  offer: OFFERS,
};

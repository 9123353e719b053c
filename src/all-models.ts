// Every module that defines a mongoose model, so a command that does not build the app (restore, seed)
// registers the same models, and so the same indexes, as the app. test/unit/indexes.test.ts checks that
// every file defining a model is listed here.
import './features/accounts/account-token.model';
import './features/accounts/security-event.model';
import './features/accounts/user.model';
import './features/audit/audit.model';
import './features/commissions/commission-steps';
import './features/commissions/commission.model';
import './features/commissions/day-ledgers';
import './features/commissions/feedback/feedback.model';
import './features/directory/shortlist.model';
import './features/listings/listing-ownership';
import './features/listings/checks/check-requirements.model';
import './features/listings/checks/provider-check.model';
import './features/listings/listing.model';
import './features/listings/recommendation.model';
import './features/listings/stored-file.model';
import './features/mail/outbox.model';
import './features/nominations/nomination.model';
import './features/notifications/notification.model';
import './features/plans/plan-review.model';
import './features/plans/support-plan.model';
import './features/privacy/retention-purge.model';
import './features/schools/gias/import-job.model';
import './features/schools/school-support.model';
import './features/schools/school.model';
import './features/schools/support-scheme.model';
import './features/sips/sip-feedback.model';
import './features/sips/sip-profile.model';
import './features/taxonomy/taxonomy.model';

import type { Express } from 'express';
import { DEMO_PASSWORD, seedDemoData } from '../../seed/demo-data';
import { User } from '../../src/features/accounts/user.model';
import { Commission } from '../../src/features/commissions/commission.model';
import { Feedback } from '../../src/features/commissions/feedback/feedback.model';
import { feedbackNeedingAttention } from '../../src/features/commissions/feedback/feedback.service';
import { markLowRatedFeedbackOnce } from '../../src/features/commissions/feedback/low-rating-markers';
import { paths } from '../../src/paths';
import { toSessionUser } from '../../src/features/accounts/accounts.service';
import { buildTestApp } from '../support/app';
import { commandsSentDuring, useTestDatabase } from '../support/database';
import { signedInAgent } from '../support/http';

// Traded Services watch for low ratings (domain.md, "Impact feedback"). Feedback averaging below 3 carries
// a marker set from its ratings, so their list finds it through an index, however old, instead of reading
// the most recent 2,000 feedback records; feedback given before the marker existed is marked once at start.
jest.setTimeout(60_000);
useTestDatabase({ monitorCommands: true });

describe('low-rated feedback', () => {
  let app: Express;
  const lowRatedOnPage = async () => {
    const agent = await signedInAgent(app, 'tradedservices@demo.example', DEMO_PASSWORD);
    const page = await agent.get(paths.feedbackAttention).expect(200);
    const table = page.text.split('Rated below 3 on average')[1]!.split('Feedback overdue')[0]!;
    return [...table.matchAll(/>(SUP-DEMO-\d+)</g)].map((match) => match[1]);
  };
  beforeAll(async () => {
    await seedDemoData();
    app = buildTestApp();
  });

  it('is marked from its ratings when it is saved: below 3 on average, and only then', async () => {
    const marked = await Feedback.find({ attention: 'low_rating' }, { commission: 1 }).lean();
    const references = await Commission.find({ _id: { $in: marked.map((feedback) => feedback.commission) } }, { reference: 1 }).lean();
    expect(references.map((commission) => commission.reference)).toEqual(['SUP-DEMO-0013']);

    const feedback = (await Feedback.findOne({ attention: 'low_rating' }))!;
    feedback.ratings = { quality: 3, impact: 3, value: 3, recommend: 3 };
    await feedback.save();
    expect((await Feedback.findById(feedback._id).lean())!.attention).toBeUndefined();
    feedback.ratings = { quality: 3, impact: 3, value: 3, recommend: 2 };
    await feedback.save();
    expect((await Feedback.findById(feedback._id).lean())!.attention).toBe('low_rating');
  });

  it('is found for Traded Services by its marker, not by reading every feedback record', async () => {
    const user = toSessionUser((await User.findOne({ email: 'tradedservices@demo.example' }))!);
    const sent = await commandsSentDuring(
      () => feedbackNeedingAttention(user, 30),
      ({ commandName, command }) => (commandName === 'find' && command.find === 'feedbacks' ? JSON.stringify(command.filter) : null),
    );
    expect(sent.filter(Boolean)).toEqual([JSON.stringify({ attention: 'low_rating' })]);
    expect(await lowRatedOnPage()).toEqual(['SUP-DEMO-0013']);
  });

  it('given before the marker existed, is marked once at start, and later starts read nothing more', async () => {
    await Feedback.collection.updateMany({}, { $unset: { attention: '' } });
    expect(await lowRatedOnPage()).toEqual([]);
    await markLowRatedFeedbackOnce();
    expect(await lowRatedOnPage()).toEqual(['SUP-DEMO-0013']);

    await Feedback.collection.updateMany({}, { $unset: { attention: '' } });
    const sent = await commandsSentDuring(() => markLowRatedFeedbackOnce());
    expect(sent).not.toContain('find feedbacks');
    expect(await lowRatedOnPage()).toEqual([]);
  });
});

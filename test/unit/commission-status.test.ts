import {
  ACTIONS,
  availableActions,
  canTakeAction,
  COMMISSION_STATUSES,
  WAITING_FOR,
  type CommissionAction,
} from '../../src/features/commissions/commission-status';

describe('commission state machine', () => {
  it('runs the direct journey: requested → accepted → in progress → delivered → completed → evaluated', () => {
    const steps: [CommissionAction, 'school' | 'provider'][] = [
      ['accept', 'provider'],
      ['start', 'provider'],
      ['mark_delivered', 'provider'],
      ['confirm_completion', 'school'],
      ['record_feedback', 'school'],
    ];
    let status: (typeof COMMISSION_STATUSES)[number] = 'requested';
    for (const [action, party] of steps) {
      expect(canTakeAction(action, status, [party])).toBe(true);
      status = ACTIONS[action].to[0];
    }
    expect(status).toBe('evaluated');
  });

  it('lets only the provider respond to a request, and only the school settle a proposed change', () => {
    expect(availableActions('requested', ['provider'])).toEqual(['accept', 'decline', 'propose_change', 'cancel']);
    expect(availableActions('requested', ['school'])).toEqual(['cancel']);
    expect(availableActions('change_proposed', ['school'])).toEqual(['accept_change', 'reject_change', 'cancel']);
    expect(availableActions('change_proposed', ['provider'])).toEqual(['cancel']);
  });

  it('lets only Traded Services arrange, or refuse, support a school asked the LA for', () => {
    expect(availableActions('awaiting_la', ['traded_services'])).toEqual(['arrange', 'refuse', 'cancel']);
    expect(availableActions('awaiting_la', ['school'])).toEqual(['cancel']);
    expect(availableActions('awaiting_la', ['provider'])).toEqual(['cancel']);
    expect(WAITING_FOR.awaiting_la).toBe('traded_services');
    expect(ACTIONS.arrange.to).toEqual(['requested', 'awaiting_approval']);
  });

  it('lets either side cancel before completion, and nobody after', () => {
    for (const status of ACTIONS.cancel.from) {
      expect(canTakeAction('cancel', status, ['school'])).toBe(true);
      expect(canTakeAction('cancel', status, ['provider'])).toBe(true);
    }
    for (const status of ['completed', 'evaluated', 'declined', 'cancelled', 'not_approved'] as const) {
      expect(availableActions(status, ['school', 'provider', 'broker', 'traded_services'])).toEqual(
        status === 'completed' ? ['record_feedback'] : [],
      );
    }
  });

  it('asks for a reason when declining, cancelling, refusing or approving beyond entitlement', () => {
    const withReason = (Object.keys(ACTIONS) as CommissionAction[]).filter((action) => 'needsReason' in ACTIONS[action]);
    expect(withReason.sort()).toEqual(['approve', 'cancel', 'decline', 'refuse']);
  });

  it('knows whose turn every active status is, and that ended ones wait for nobody', () => {
    for (const status of ACTIONS.cancel.from) expect(WAITING_FOR[status]).toBeDefined();
    expect(WAITING_FOR.completed).toBe('school');
    for (const status of ['evaluated', 'declined', 'not_approved', 'cancelled'] as const) expect(WAITING_FOR[status]).toBeUndefined();
  });

  it('only moves between known statuses', () => {
    for (const rule of Object.values(ACTIONS)) {
      for (const status of [...rule.from, ...rule.to]) expect(COMMISSION_STATUSES).toContain(status);
    }
  });
});

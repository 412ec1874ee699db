// What the steps of test/e2e/journey.test.ts share: the people (each a browser context of its own),
// the accounts and the request they type, and what each step leaves in `state` for the next.
import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';

export const DIRECTOR = { name: 'Morgan Ellis', email: 'morgan.ellis@nasbe.example', password: 'lantern orchard velvet 42' };
// The expert's name sorts after the other's, so she comes first only because of her expertise.
export const EXPERT = {
  name: 'Tamsin Okafor',
  email: 'tamsin.okafor@nasbe.example',
  password: 'granite meadow compass 17',
  topic: 'equity-lens',
};
export const OTHER = {
  name: 'Alex Moreno',
  email: 'alex.moreno@nasbe.example',
  password: 'harbor violet thimble 88',
  topic: 'early-learning',
};

export const REQUEST = {
  name: 'Sam Rivera',
  role: 'Board member',
  organization: 'Vermont State Board of Education',
  needs: 'The board is revising its strategic plan.\nWe would like an expert to help us apply an equity lens to it.',
  title: 'Equity lens for our strategic plan',
};

export interface Person {
  context: BrowserContext;
  page: Page;
  problems: string[];
}

export type JourneyStep = { title: string; run: (this: Mocha.Context) => Promise<void> };

/** What a step leaves for the steps after it. */
interface JourneyState {
  reference?: string;
  statusUrl?: string;
  caseUrl?: string;
  engagementEditUrl?: string;
  delivered?: boolean;
  completed?: boolean;
  expertId?: string;
}

/** A journey for these three people: its `state`, `needs` to read it, and `step` to add a step to `steps`. */
export function newJourney(director: Person, requester: Person, consultant: Person) {
  const state: JourneyState = {};
  const needs = <K extends keyof JourneyState>(key: K, step: string): NonNullable<JourneyState[K]> => {
    assert.ok(state[key], `this step needs ${step}, which did not complete`);
    return state[key];
  };

  const steps: JourneyStep[] = [];
  const step = (title: string, run: (this: Mocha.Context) => Promise<void>) => steps.push({ title, run });

  return { director, requester, consultant, state, needs, step, steps };
}

export type Journey = ReturnType<typeof newJourney>;

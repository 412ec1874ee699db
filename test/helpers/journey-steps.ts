// The named steps of test/e2e/journey.test.ts: one request's whole life in Chromium, each step
// continuing the one before it (they share the people and what each step leaves in `state`, see
// journey-context.ts). The steps are written by phase, in journey-steps-<phase>.ts, and run in
// this order.
import { JourneyStep, Person, newJourney } from './journey-context';
import { deliverySteps } from './journey-steps-delivery';
import { intakeSteps } from './journey-steps-intake';
import { reportSteps } from './journey-steps-report';
import { staffSteps } from './journey-steps-staff';

/** The steps of the journey, in order, for these three people (each a browser context of its own). */
export function journeySteps(director: Person, requester: Person, consultant: Person): JourneyStep[] {
  const journey = newJourney(director, requester, consultant);
  intakeSteps(journey);
  staffSteps(journey);
  deliverySteps(journey);
  reportSteps(journey);
  return journey.steps;
}

/** Serves the reference implementation honestly: the control for the misbehaving fakes. */
import { honestly, runFake } from './fake.ts';

await runFake(honestly);

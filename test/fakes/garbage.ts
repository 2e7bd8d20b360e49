/** Answers the first create with a line that is not JSON. */
import { honestly, runFake } from './fake.ts';

await runFake(async (request) => (request.method === 'create' ? ['this is not JSON'] : honestly(request)));

// What an action of the console (a form's submit, a button) shows afterwards: what it did, or why not. The
// forms and buttons that change something share it, so each clears the last outcome the same way and says
// an API error in the console's words (src/console/assets/api-errors.js).
import { said } from './api-errors.js';
import { useState } from './ui.js';

/**
 * `run(act)` clears the last outcome, awaits `act()`, shows the message it returns as done (none for
 * null) and answers true; or shows what it threw, as `describe` says it (null: shown elsewhere, such as at
 * a field), and answers false.
 */
export function useAction(describe = said) {
  const [done, setDone] = useState(null);
  const [error, setError] = useState(null);
  const run = async (act) => {
    setError(null);
    setDone(null);
    try {
      const message = await act();
      if (message !== null && message !== undefined) setDone(message);
      return true;
    } catch (err) {
      setError(describe(err));
      return false;
    }
  };
  return { done, error, run };
}

import { useId } from 'react';
import { getBridge } from '../../bridge/bridge';
import { keys, useBridgeQuery } from '../../bridge/queries';

/**
 * A folder path with a "Choose…" button when the shell has native dialogs (Electron). In the browser
 * host there are none, so the path field is the way in.
 */
export function FolderField(props: {
  label: string;
  value: string;
  onChange: (path: string) => void;
  forCreate?: boolean;
}) {
  const id = useId();
  const info = useBridgeQuery(keys.appInfo, () => getBridge().app.info({}));
  const canPick = info.data?.shell === 'electron';
  const choose = async () => {
    const picked = await getBridge().dialogs.pickFolder({
      title: props.label,
      forCreate: props.forCreate ?? false,
    });
    if (picked.path) props.onChange(picked.path);
  };
  return (
    <label className="field" htmlFor={id}>
      <span>{props.label}</span>
      <div className="row">
        <input
          id={id}
          style={{ flex: 1 }}
          value={props.value}
          onChange={(e) => props.onChange(e.target.value)}
          placeholder="/home/you/Illustration/My project"
          spellCheck={false}
        />
        {canPick && (
          <button
            type="button"
            // A picker that fails leaves the field as it was: the path can still be typed.
            onClick={() => {
              choose().catch(() => undefined);
            }}
          >
            Choose…
          </button>
        )}
      </div>
    </label>
  );
}

import { useId } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Check, Workflow } from 'lucide-react';
import type { AppError, SegmindApi, Settings } from '../../../../src/domain';
import { defaultSegmindApi, segmindApiFor } from '../../../../src/domain';
import { listModels, type ModelSpec } from '../../../../src/models';
import { asAppError, getBridge } from '../../bridge/bridge';
import { keys } from '../../bridge/queries';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { useSettings } from '../queue/queue-data';

const API_LABEL: Record<SegmindApi, string> = { v1: 'Wait (v1)', v2: 'Async (v2)' };

/**
 * Per model, which Segmind API its jobs go through. V1 stays on v1 unless chosen (its binding spec is
 * the v1 request); the others default to the async API. A change applies to jobs not yet sent.
 */
export function ModelApiSection() {
  const settings = useSettings();
  const client = useQueryClient();
  const save = useMutation<Settings, AppError, SegmindApiChoice>({
    mutationFn: async ({ modelId, api, current }) => {
      try {
        return await getBridge().settings.update({ segmindApiByModel: { ...current, [modelId]: api } });
      } catch (error) {
        throw asAppError(error);
      }
    },
    onSuccess: (next) => client.setQueryData(keys.settings, next),
  });
  const s = settings.data;
  if (!s) return null;
  return (
    <section
      className="card roomy settings-card"
      aria-labelledby="model-api-heading"
      data-testid="model-api-settings"
    >
      <header>
        <Workflow size={16} aria-hidden />
        <h2 id="model-api-heading">How each model is sent</h2>
      </header>
      <p className="secondary model-api-intro">
        <strong>Wait (v1)</strong> sends one request and waits for the picture. <strong>Async (v2)</strong>{' '}
        submits the run, then asks how it is going: a run Segmind has accepted survives a dropped connection
        or a restart of the app, and its pictures are downloaded from Segmind’s storage without your key.
      </p>
      {listModels().map((model) => (
        <ModelApiRow
          key={model.id}
          model={model}
          api={segmindApiFor(s, model.id)}
          saved={save.isSuccess && save.variables.modelId === model.id}
          onChange={(api) => save.mutate({ modelId: model.id, api, current: s.segmindApiByModel })}
        />
      ))}
      {save.error && <ErrorNotice error={save.error} />}
    </section>
  );
}

interface SegmindApiChoice {
  modelId: string;
  api: SegmindApi;
  current: Settings['segmindApiByModel'];
}

function ModelApiRow(props: {
  model: ModelSpec;
  api: SegmindApi;
  saved: boolean;
  onChange(api: SegmindApi): void;
}) {
  const { model, api } = props;
  const id = useId();
  const fallback = defaultSegmindApi(model.id);
  return (
    <div className="setting-row" data-testid={`model-api-${model.id}`}>
      <div>
        <div id={`${id}-label`}>{model.name}</div>
        <div className="secondary" id={`${id}-help`}>
          Default: {API_LABEL[fallback]}
          {api !== fallback ? ' — changed here' : ''}
          {props.saved && (
            <span className="model-api-saved" role="status">
              <Check size={14} color="var(--green)" aria-hidden /> Saved
            </span>
          )}
        </div>
      </div>
      <div
        className="segmented"
        role="radiogroup"
        aria-labelledby={`${id}-label`}
        aria-describedby={`${id}-help`}
      >
        {(['v1', 'v2'] as const).map((choice) => (
          <label key={choice}>
            <input
              type="radio"
              name={`${id}-api`}
              value={choice}
              checked={api === choice}
              onChange={() => props.onChange(choice)}
            />
            {API_LABEL[choice]}
          </label>
        ))}
      </div>
    </div>
  );
}

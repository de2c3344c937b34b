import { ResultInspector } from '../results/Inspector';
import { setGallery } from '../results/gallery-store';
import { useResultDetail, type ReviewChange } from '../results/results-data';

/** The inspector for the focused pane of a review view (the survey): the same as for a grid selection. */
export function FocusedInspector(props: {
  project: string;
  id: string;
  review(ids: string[], change: ReviewChange): void;
  onExport(ids: string[]): void;
  onTrash(ids: string[]): void;
  readOnly: boolean;
}) {
  const detail = useResultDetail(props.project, props.id);
  const item = detail.data?.summary;
  if (!item) return <div className="insp insp-idle" aria-busy="true" />;
  return (
    <ResultInspector
      key={item.id}
      project={props.project}
      item={item}
      review={props.review}
      onExport={props.onExport}
      onTrash={props.onTrash}
      onOpenLoupe={() => setGallery({ view: 'loupe' })}
      readOnly={props.readOnly}
    />
  );
}

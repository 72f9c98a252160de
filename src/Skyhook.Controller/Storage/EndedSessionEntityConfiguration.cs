using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Skyhook.Controller.Storage;

internal sealed class EndedSessionEntityConfiguration : IEntityTypeConfiguration<EndedSessionEntity>
{
    public void Configure(EntityTypeBuilder<EndedSessionEntity> builder)
    {
        builder.ToTable("ended_sessions");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).HasMaxLength(32);
        builder.Property(s => s.UserName).HasMaxLength(64);
        builder.HasOne<GatewayGroupEntity>().WithMany().HasForeignKey(s => s.GroupId).OnDelete(DeleteBehavior.Cascade);
    }
}
